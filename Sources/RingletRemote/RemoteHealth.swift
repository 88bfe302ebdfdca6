/// What a remote daemon's `GET /health` says about itself.
public struct RemoteHealth: Codable, Sendable, Equatable {
    public var status: String
    public var version: String
    public var sessions: Int
    public var uptimeSeconds: Int

    enum CodingKeys: String, CodingKey {
        case status, version, sessions
        case uptimeSeconds = "uptime_seconds"
    }
}
