/// The status code carried by a close frame (RFC 6455 section 7.4). A struct rather than
/// an enum because peers may send any registered or application code (3000-4999), and
/// those must round-trip unchanged.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let normalClosure = Self(rawValue: 1000)
    public static let goingAway = Self(rawValue: 1001)
    public static let protocolError = Self(rawValue: 1002)
    public static let unsupportedData = Self(rawValue: 1003)
    public static let invalidPayload = Self(rawValue: 1007)
    public static let policyViolation = Self(rawValue: 1008)
    public static let messageTooBig = Self(rawValue: 1009)
    public static let internalError = Self(rawValue: 1011)

    /// Whether the code may appear in a close frame. 1005, 1006 and 1015 are reserved for
    /// reporting locally that no code or no close frame was seen; the others outside these
    /// ranges are unassigned (1000-1014 per the IANA registry, 3000-4999 for libraries and applications).
    public var isAllowedOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String { String(rawValue) }
}
