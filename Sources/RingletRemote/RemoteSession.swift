/// A session on a remote daemon, as `GET /api/sessions` describes it. The JSON keys are the API's
/// (snake_case), so `--json` output matches what the daemon serves.
public struct RemoteSession: Codable, Sendable, Equatable {
    public var id: String
    public var profile: String
    public var agent: String
    /// "running" or "exited".
    public var state: String
    /// Set once the agent exited.
    public var exitCode: Int?
    /// When the session started, as the daemon wrote it (RFC 3339, UTC).
    public var started: String
    public var uptimeSeconds: Int
    public var idleSeconds: Int
    public var bytesIn: Int
    public var bytesOut: Int
    public var attachedClients: Int
    public var clients: [RemoteClientInfo]

    enum CodingKeys: String, CodingKey {
        case id, profile, agent, state, started, clients
        case exitCode = "exit_code"
        case uptimeSeconds = "uptime_seconds"
        case idleSeconds = "idle_seconds"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case attachedClients = "attached_clients"
    }

    /// An uptime as a table shows it: `45s`, `3m12s`, `2h05m`, `3d04h`.
    public static func uptimeText(_ seconds: Int) -> String {
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let seconds = max(0, seconds)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(twoDigits(seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(twoDigits(seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(twoDigits(seconds % 86400 / 3600))h"
        }
    }
}
