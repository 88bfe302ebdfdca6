/// Why a sandbox could not be set up.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    case seccomp(String)
    case unsupported(String)
    case launch(String)
    case limits(String)

    public var description: String {
        switch self {
        case .seccomp(let problem): "seccomp filter: \(problem)"
        case .unsupported(let problem): problem
        case .launch(let problem): "cannot start the sandbox: \(problem)"
        case .limits(let problem): "resource limits: \(problem)"
        }
    }
}
