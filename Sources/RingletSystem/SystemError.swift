import Glibc

/// A failed system call, described for a user: which operation, on what, and the kernel's reason.
public enum SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    case call(operation: String, path: String?, errno: Int32)
    case tooLarge(path: String, limit: Int)
    case spawn(program: String, errno: Int32)

    public var description: String {
        switch self {
        case .call(let operation, let path, let code):
            if let path { return "cannot \(operation) \(path): \(SystemError.text(code))" }
            return "\(operation) failed: \(SystemError.text(code))"
        case .tooLarge(let path, let limit):
            return "\(path) is larger than the \(limit)-byte limit"
        case .spawn(let program, let code):
            if code == ENOENT { return "cannot run '\(program)': not found on PATH; install it and try again" }
            return "cannot run '\(program)': \(SystemError.text(code))"
        }
    }

    public var errno: Int32? {
        switch self {
        case .call(_, _, let code), .spawn(_, let code): code
        case .tooLarge: nil
        }
    }

    public static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
