/// What a reader found on one line of an agent's record: one model call's tokens.
public struct ParsedUsage: Sendable, Hashable {
    /// Epoch milliseconds (UTC).
    public var timestamp: Int64
    public var model: String
    /// The agent's own session id (Claude Code's `sessionId`, Codex's session id), when the line says.
    public var agentSession: String?
    /// What identifies the call across lines and files (Claude Code's message id), so a call written
    /// twice counts once; nil when the line is its own identity.
    public var callID: String?
    public var tokens: TokenCounts

    public init(timestamp: Int64, model: String, agentSession: String?, callID: String?, tokens: TokenCounts) {
        self.timestamp = timestamp
        self.model = model
        self.agentSession = agentSession
        self.callID = callID
        self.tokens = tokens
    }
}
