/// Something worth answering for later: an agent launched (with or without a sandbox), a hook's or
/// the proxy's verdict, a registry or token change. The columns that queries filter on are named;
/// everything else goes in `fields`, so new kinds of event need no schema change.
public struct AuditEvent: Sendable, Equatable {
    /// "launch", "no-sandbox", "degraded", "session", "hook", "proxy", "registry", "token".
    public var type: String
    public var profile: String?
    public var session: String?
    /// "allow"/"deny" for hooks, "allowed"/"denied" for the proxy, nil otherwise.
    public var verdict: String?
    /// Stored as canonical JSON (keys sorted by their UTF-8 bytes), so the hash has one input.
    public var fields: [String: String]

    public init(type: String, profile: String? = nil, session: String? = nil, verdict: String? = nil, fields: [String: String] = [:]) {
        self.type = type
        self.profile = profile
        self.session = session
        self.verdict = verdict
        self.fields = fields
    }
}
