/// What a sandboxed process may do at a path, and which rule decided it.
public struct FileDecision: Sendable, Equatable {
    public enum Access: Int, Sendable, Comparable, Codable {
        case none, read, write

        public static func < (a: Access, b: Access) -> Bool { a.rawValue < b.rawValue }
    }

    public var access: Access
    /// The most specific rule (strongest at its path) that covers the path; nil when none does.
    public var decidedBy: PolicyLayer.FileRule?
    /// A restriction from another layer that lowered the decider's access.
    public var cappedBy: PolicyLayer.FileRule?
    /// Restrictions an `allow-override` (or `--i-know-what-im-doing-allow`) lifted for this path.
    public var lifted: [PolicyLayer.FileRule] = []
    /// The override that lifted each of `lifted`, in the same order.
    public var liftedBy: [PolicyLayer.FileRule] = []

    public var canRead: Bool { access >= .read }
    public var canWrite: Bool { access == .write }
}
