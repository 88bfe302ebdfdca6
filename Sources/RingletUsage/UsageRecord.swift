/// One model call's usage as indexed: when, by which profile and Ringlet session, which model, the
/// tokens, and where it was read (the file and the line's byte offset).
public struct UsageRecord: Sendable, Hashable {
    public var timestamp: Int64
    /// The Ringlet session it is attributed to, when one ran the profile at that time.
    public var session: String?
    /// The agent's own session id, when its record names one.
    public var agentSession: String?
    public var profile: String
    public var model: String
    public var tokens: TokenCounts
    public var file: String
    public var offset: Int64

    public init(timestamp: Int64, session: String?, agentSession: String?, profile: String, model: String, tokens: TokenCounts,
                file: String, offset: Int64) {
        self.timestamp = timestamp
        self.session = session
        self.agentSession = agentSession
        self.profile = profile
        self.model = model
        self.tokens = tokens
        self.file = file
        self.offset = offset
    }
}
