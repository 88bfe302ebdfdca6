import Glibc

/// A terminal operation the kernel refused, worded for the user: what Ringlet was doing and the
/// kernel's reason, since a failure here (no /dev/ptmx in a container, stdin not a terminal) is
/// usually the environment's, not the agent's.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    case call(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .call(let operation, let code): "cannot \(operation): \(String(cString: strerror(code)))"
        }
    }
}
