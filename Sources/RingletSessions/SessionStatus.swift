/// What a session is doing, as its host answers a `status` request: enough for `ringlet sessions` and
/// the dashboard to list it, tell a busy agent from an idle one, and see who is watching. Plain values
/// with stable JSON names, since the same JSON goes over the socket and out of the daemon's API.
public struct SessionStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case running, exited
    }

    /// One attached or connected client, as the host sees it.
    public struct Client: Codable, Sendable, Equatable {
        public var id: Int
        public var address: String
        /// When it connected (ISO-8601 UTC).
        public var since: String
        /// What it typed into the session.
        public var bytesIn: UInt64
        /// What the host sent it of the session's output.
        public var bytesOut: UInt64

        public init(id: Int, address: String, since: String, bytesIn: UInt64, bytesOut: UInt64) {
            self.id = id
            self.address = address
            self.since = since
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
        }
    }

    public var id: String
    public var profile: String?
    public var agent: String?
    public var state: State
    /// The agent's exit code once it exited (128 + signal when a signal ended it).
    public var exitCode: Int32?
    public var started: String
    public var hostPid: Int32
    public var childPid: Int32
    public var cols: UInt16
    public var rows: UInt16
    /// Everything clients typed into the session, and everything the agent wrote.
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var lastActivity: String
    public var idleSeconds: Int
    public var clients: [Client]

    public init(id: String, profile: String?, agent: String?, state: State, exitCode: Int32?, started: String,
                hostPid: Int32, childPid: Int32, cols: UInt16, rows: UInt16, bytesIn: UInt64, bytesOut: UInt64,
                lastActivity: String, idleSeconds: Int, clients: [Client]) {
        self.id = id
        self.profile = profile
        self.agent = agent
        self.state = state
        self.exitCode = exitCode
        self.started = started
        self.hostPid = hostPid
        self.childPid = childPid
        self.cols = cols
        self.rows = rows
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.lastActivity = lastActivity
        self.idleSeconds = idleSeconds
        self.clients = clients
    }
}
