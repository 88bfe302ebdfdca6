/// Why usage cannot be read or reported, said so the user knows what to do.
public enum UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The usage index (SQLite) cannot be opened or written.
    case store(path: String, reason: String)
    /// An agent's record file exists but cannot be read (permissions, I/O).
    case unreadable(path: String, reason: String)
    /// A manifest names a reader this build does not have.
    case unknownReader(String)
    /// The audit log, where session spans come from, cannot be read.
    case auditLog(path: String, reason: String)

    public var description: String {
        switch self {
        case let .store(path, reason): "cannot use the usage index \(path): \(reason)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .unknownReader(name): "no usage reader named '\(name)' in this ringlet (known: \(UsageReaders.names.joined(separator: ", ")))"
        case let .auditLog(path, reason): "cannot read session spans from the audit log \(path): \(reason)"
        }
    }
}
