/// Why an HTTP request cannot be upgraded to a WebSocket. These are answered with an HTTP
/// status rather than a close frame, since no WebSocket exists yet; `status` is that answer.
public enum WebSocketHandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingUpgradeHeader
    case missingConnectionUpgrade
    /// The client asked for another protocol version; the answer must list version 13.
    case unsupportedVersion(String?)
    case invalidKey(String?)
    /// A browser page from an origin that is not allowed tried to connect.
    case forbiddenOrigin(String)

    public var status: Int {
        switch self {
        case .unsupportedVersion: 426
        case .forbiddenOrigin: 403
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .missingUpgradeHeader: "request has no 'Upgrade: websocket' header"
        case .missingConnectionUpgrade: "request's Connection header does not contain 'Upgrade'"
        case let .unsupportedVersion(version): "unsupported Sec-WebSocket-Version \(version ?? "(missing)"), only 13 is supported"
        case let .invalidKey(key): "Sec-WebSocket-Key \(key ?? "(missing)") is not 16 bytes in base64"
        case let .forbiddenOrigin(origin): "origin \(origin) is not allowed"
        }
    }
}
