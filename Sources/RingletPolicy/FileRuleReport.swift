/// One file rule as `explain` shows it: in force, or what overrode, capped or lifted it.
public struct FileRuleReport: Sendable {
    public enum Status: Sendable, Equatable {
        case effective
        /// A more specific or stronger rule decides at this rule's own path.
        case overridden(by: PolicyLayer.FileRule)
        /// This grant is limited by a restriction from another layer.
        case capped(by: PolicyLayer.FileRule)
        /// An allow-override (or the dangerous flag) lifted this restriction.
        case lifted
        case override(liftsProtected: Bool)
    }

    public var rule: PolicyLayer.FileRule
    public var status: Status
    /// The access at the rule's own path after composition.
    public var access: FileDecision.Access
    /// For a lifted restriction: the override that lifted it.
    public var liftedBy: PolicyLayer.FileRule?
}
