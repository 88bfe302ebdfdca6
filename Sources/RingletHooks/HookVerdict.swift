/// What the hooks decided about one tool call, hook by hook.
public struct HookVerdict: Sendable, Equatable {
    public struct Outcome: Sendable, Equatable, Encodable {
        public var hook: String
        public var allowed: Bool
        /// The exit status, or nil when the hook could not start or ran out of time.
        public var status: Int32?
        /// stderr for a denial (trimmed, at most 1 KB), or what went wrong.
        public var reason: String
        public var milliseconds: Int
    }

    /// Every matching hook, in order; a tool no hook matches is allowed with no outcomes.
    public var outcomes: [Outcome]

    public var allowed: Bool { outcomes.allSatisfy(\.allowed) }

    /// What the agent is told: every denying hook's reason.
    public var reason: String {
        outcomes.filter { !$0.allowed }.map { "\($0.hook): \($0.reason)" }.joined(separator: "\n")
    }
}
