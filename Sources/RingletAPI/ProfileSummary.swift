/// A profile as `GET /api/profiles` lists it: what `POST /api/sessions` (and `ringlet profiles run NAME
/// --remote R`) can start.
public struct ProfileSummary: Codable, Sendable, Equatable {
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
