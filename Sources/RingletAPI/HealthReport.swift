/// What `GET /health` says about the daemon.
public struct HealthReport: Codable, Sendable, Equatable {
    public var status: String
    public var version: String
    /// Sessions running now.
    public var sessions: Int
    public var uptimeSeconds: Int

    public init(status: String = "ok", version: String, sessions: Int, uptimeSeconds: Int) {
        self.status = status
        self.version = version
        self.sessions = sessions
        self.uptimeSeconds = uptimeSeconds
    }

    enum CodingKeys: String, CodingKey {
        case status, version, sessions
        case uptimeSeconds = "uptime_seconds"
    }
}
