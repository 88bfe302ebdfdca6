/// One frame as it travels on the wire (RFC 6455 section 5.2), before fragments are joined.
/// The decoder checks frames one at a time against the protocol's rules, and the encoder
/// writes them; applications see `WebSocketMessage` instead.
public struct WebSocketFrame: Equatable, Sendable {
    public enum Opcode: UInt8, Sendable {
        case continuation = 0x0
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA

        /// Control frames may interleave with fragments and must be short and unfragmented.
        public var isControl: Bool { rawValue & 0x8 != 0 }
    }

    /// RFC 6455 section 5.5: control frame payloads are at most 125 bytes.
    public static let maxControlPayload = 125

    public var fin: Bool
    public var opcode: Opcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: Opcode, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }
}
