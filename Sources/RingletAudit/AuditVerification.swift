/// What `AuditLog.verify` found: the chain holds over every row, or the first row where it does not.
public enum AuditVerification: Sendable, Equatable {
    case intact(rows: Int)
    /// `atRow` is the id of the first row that fails (for a truncated tail, the first missing id).
    case broken(atRow: Int64, reason: String)
}
