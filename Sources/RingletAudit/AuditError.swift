/// Why the audit log cannot be opened or read, worded for the user: the path, the reason, and what
/// to do about it. Recording never throws: see `AuditLog.record`.
public enum AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading a log that does not exist.
    case notFound(path: String)
    /// The folder or file cannot be created or written (permissions, a read-only file system).
    case unwritable(path: String, reason: String)
    case diskFull(path: String)
    /// The file is not an audit log SQLite can read (corrupt, another database, a newer schema).
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            "no audit log at \(path): nothing has been recorded there yet (or pass --audit-log with the right path)"
        case .unwritable(let path, let reason):
            "cannot write the audit log \(path): \(reason); make its folder writable by this user or choose another path"
        case .diskFull(let path):
            "cannot write the audit log \(path): the disk is full; free some space and try again"
        case .unreadable(let path, let reason):
            "cannot read the audit log \(path): \(reason); check it with `ringlet audit verify` or move it aside to start a new one"
        }
    }
}
