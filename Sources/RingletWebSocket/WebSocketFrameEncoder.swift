/// Writes the frames a server sends. Server frames are never masked (RFC 6455 section 5.1),
/// so encoding is a pure function of the frame and needs no state or randomness.
public enum WebSocketFrameEncoder {
    /// The bytes of `frame`, with the shortest length encoding that fits its payload.
    public static func encode(_ frame: WebSocketFrame) -> [UInt8] {
        precondition(!frame.opcode.isControl || (frame.fin && frame.payload.count <= WebSocketFrame.maxControlPayload),
                     "control frames must be unfragmented and at most 125 bytes")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10 + frame.payload.count)
        bytes.append((frame.fin ? 0x80 : 0) | frame.opcode.rawValue)
        let length = frame.payload.count
        switch length {
        case ..<126:
            bytes.append(UInt8(length))
        case ...0xFFFF:
            bytes.append(126)
            bytes.append(contentsOf: bigEndian(UInt64(length), byteCount: 2))
        default:
            bytes.append(127)
            bytes.append(contentsOf: bigEndian(UInt64(length), byteCount: 8))
        }
        bytes.append(contentsOf: frame.payload)
        return bytes
    }

    public static func text(_ text: String) -> [UInt8] {
        encode(WebSocketFrame(opcode: .text, payload: Array(text.utf8)))
    }

    public static func binary(_ payload: [UInt8]) -> [UInt8] {
        encode(WebSocketFrame(opcode: .binary, payload: payload))
    }

    public static func ping(_ payload: [UInt8] = []) -> [UInt8] {
        encode(WebSocketFrame(opcode: .ping, payload: payload))
    }

    public static func pong(_ payload: [UInt8]) -> [UInt8] {
        encode(WebSocketFrame(opcode: .pong, payload: payload))
    }

    /// A close frame; a reason too long for a control frame is cut at a character boundary,
    /// because reasons often come from error messages and a close must never fail.
    public static func close(code: WebSocketCloseCode, reason: String = "") -> [UInt8] {
        precondition(code.isAllowedOnWire, "close code \(code) must not be sent")
        var payload = bigEndian(UInt64(code.rawValue), byteCount: 2)
        for scalar in reason.unicodeScalars {
            let utf8 = Array(String(scalar).utf8)
            guard payload.count + utf8.count <= WebSocketFrame.maxControlPayload else { break }
            payload.append(contentsOf: utf8)
        }
        return encode(WebSocketFrame(opcode: .close, payload: payload))
    }

    private static func bigEndian(_ value: UInt64, byteCount: Int) -> [UInt8] {
        (0..<byteCount).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
