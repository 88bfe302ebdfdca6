/// Why the daemon cannot do what was asked, said so the user knows what to do.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    case token(String)

    public var description: String {
        switch self {
        case .token(let problem): problem
        }
    }
}
