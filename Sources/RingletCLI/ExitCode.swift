/// Exit statuses scripts can rely on; `ringlet run` passes the agent's own status through.
public struct ExitCode: RawRepresentable, Sendable, Equatable {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let success = ExitCode(rawValue: 0)
    /// The operation failed (network, git, not found, a registry with problems).
    public static let failure = ExitCode(rawValue: 1)
    /// The command line or an input file is wrong; nothing was changed.
    public static let usage = ExitCode(rawValue: 2)
    /// `ringlet.lock` no longer holds (locked mode).
    public static let lockDrift = ExitCode(rawValue: 3)
}
