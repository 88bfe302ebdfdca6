/// One client attached to a remote session (a terminal, a browser tab).
public struct RemoteClientInfo: Codable, Sendable, Equatable {
    /// The client's address as the daemon sees it, `host:port`.
    public var address: String
    /// When it attached (RFC 3339, UTC).
    public var since: String
    public var bytesIn: Int
    public var bytesOut: Int

    enum CodingKeys: String, CodingKey {
        case address, since
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
    }
}
