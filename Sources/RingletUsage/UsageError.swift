/// Why usage cannot be read or reported, said so the user knows what to do.
public enum UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The usage index (SQLite) cannot be opened or written.
    case store(path: String, reason: String)

    public var description: String {
        switch self {
        case let .store(path, reason): "cannot use the usage index \(path): \(reason)"
        }
    }
}
