/// A session as the daemon's API describes it (`GET /api/sessions[/ID]`, and what POST and DELETE
/// answer). One type for the daemon that encodes it and the remote client that decodes it, so the two
/// cannot drift apart; the JSON keys are the API's snake_case.
public struct SessionSummary: Codable, Sendable, Equatable {
    /// One attached client (a terminal, a browser tab).
    public struct Client: Codable, Sendable, Equatable {
        /// The client's address as the daemon sees it, `IP:port`.
        public var address: String
        /// When it attached (ISO 8601, UTC).
        public var since: String
        public var bytesIn: UInt64
        public var bytesOut: UInt64

        public init(address: String, since: String, bytesIn: UInt64, bytesOut: UInt64) {
            self.address = address
            self.since = since
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
        }

        enum CodingKeys: String, CodingKey {
            case address, since
            case bytesIn = "bytes_in"
            case bytesOut = "bytes_out"
        }
    }

    public var id: String
    public var profile: String
    public var agent: String
    /// "running" or "exited".
    public var state: String
    /// Set once the agent exited (128 + N when signal N ended it).
    public var exitCode: Int32?
    /// ISO 8601, UTC.
    public var started: String
    public var uptimeSeconds: Int
    public var idleSeconds: Int
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var cols: UInt16
    public var rows: UInt16
    public var attachedClients: Int
    public var clients: [Client]

    public init(id: String, profile: String, agent: String, state: String, exitCode: Int32?, started: String, uptimeSeconds: Int,
                idleSeconds: Int, bytesIn: UInt64, bytesOut: UInt64, cols: UInt16, rows: UInt16, clients: [Client]) {
        self.id = id
        self.profile = profile
        self.agent = agent
        self.state = state
        self.exitCode = exitCode
        self.started = started
        self.uptimeSeconds = uptimeSeconds
        self.idleSeconds = idleSeconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.cols = cols
        self.rows = rows
        self.clients = clients
        attachedClients = clients.count
    }

    enum CodingKeys: String, CodingKey {
        case id, profile, agent, state, started, cols, rows, clients
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
