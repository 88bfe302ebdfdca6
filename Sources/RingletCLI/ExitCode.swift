/// Exit statuses scripts can rely on.
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// The operation failed (network, git, not found, a registry with problems).
    case failure = 1
    /// The command line or an input file is wrong; nothing was changed.
    case usage = 2
    /// `ringlet.lock` no longer holds (locked mode).
    case lockDrift = 3
}
