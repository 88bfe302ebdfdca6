/// Why a sandbox could not be set up.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    case seccomp(String)

    public var description: String {
        switch self {
        case .seccomp(let problem): "seccomp filter: \(problem)"
        }
    }
}
