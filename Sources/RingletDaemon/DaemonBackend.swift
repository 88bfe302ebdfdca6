/// What the daemon's routes need from the rest of Ringlet — profiles, starting a session's host, the
/// audit log, recordings — kept behind a protocol so the server area does not depend on profiles,
/// registries or the audit store, and its tests can run against a small backend. Calls may block (they
/// read files and start processes): the service makes them on worker threads, never on its loop.
public protocol DaemonBackend: Sendable {
    func profiles() throws(DaemonError) -> [DaemonProfile]
    /// Starts session `id` for `profile` and returns once its host listens.
    func startSession(id: String, profile: String, cols: Int, rows: Int) throws(DaemonError)
    /// One audit event (`session`, `auth`); never given a secret.
    func record(_ type: String, session: String?, profile: String?, _ fields: [String: String])
    /// The asciicast recording of session `id`, if there is one.
    func recordingPath(session id: String) -> String?
}

/// A profile as `GET /api/profiles` lists it.
public struct DaemonProfile: Codable, Sendable, Equatable {
    public var name: String
    public var agent: String
    public var provider: String?
    public var model: String?
    public var workspace: String
    /// Whether its sessions run in the sandbox (always, for sessions the daemon starts).
    public var sandbox: Bool

    public init(name: String, agent: String, provider: String?, model: String?, workspace: String, sandbox: Bool) {
        self.name = name
        self.agent = agent
        self.provider = provider
        self.model = model
        self.workspace = workspace
        self.sandbox = sandbox
    }
}
