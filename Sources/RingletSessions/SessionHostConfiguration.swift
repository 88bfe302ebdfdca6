/// What a session host is asked to run and how: everything `ringlet session-host` takes on its command
/// line, as one value so the host's set-up reads from a single place and tests can build one directly.
public struct SessionHostConfiguration: Sendable {
    public var id: String
    /// `<runtime>/sessions/<id>.sock`; the metadata file goes next to it as `<id>.json`.
    public var socketPath: String
    /// The agent's program and arguments, started without a shell.
    public var command: [String]
    public var cols: UInt16 = 80
    public var rows: UInt16 = 24
    public var replayBytes = ReplayBuffer.defaultCapacity
    /// Ends the agent after this long without output or input; nil never does.
    public var idleTimeout: Duration?
    /// How long an exited session stays listed (status, replay, exit code) before the host leaves.
    public var linger: Duration = .seconds(600)
    /// Between SIGTERM and SIGKILL when the agent is ended.
    public var terminateGrace: Duration = .seconds(5)
    /// Where to record the session (asciicast v2), if anywhere.
    public var recordingPath: String?
    public var profile: String?
    public var agent: String?
    /// A client with more unsent output than this is disconnected, so it never holds up the agent or the others.
    public var clientOutputLimit = 8 << 20

    public init(id: String, socketPath: String, command: [String]) {
        self.id = id
        self.socketPath = socketPath
        self.command = command
    }

    /// The folder of the socket and the metadata file.
    public var folder: String {
        socketPath.lastIndex(of: "/").map { String(socketPath[..<$0]) } ?? "."
    }

    public var metadataPath: String { folder + "/" + id + ".json" }
}
