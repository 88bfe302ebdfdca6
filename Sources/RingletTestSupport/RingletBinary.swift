import Foundation

/// The `ringlet` executable built next to the test bundle, run with an isolated `RINGLET_HOME`.
///
/// End-to-end tests use the real binary, so what they prove is what a user gets. The environment is
/// built from scratch: `CI` and the user's real config never leak into a test.
public struct RingletBinary: Sendable {
    public let path: String
    public let home: String

    public init(home: String) {
        self.home = home
        if let explicit = ProcessInfo.processInfo.environment["RINGLET_TEST_BINARY"] {
            path = explicit
        } else {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ringlet").path
        }
    }

    /// Runs `ringlet ARGUMENTS` in `directory` with `extraEnvironment` added (e.g. `["CI": "true"]`).
    @discardableResult
    public func run(_ arguments: [String], in directory: String? = nil, environment extraEnvironment: [String: String] = [:],
                    stdin: String? = nil) throws -> ProcessResult {
        var environment = [
            "RINGLET_HOME": home,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
        ]
        environment.merge(extraEnvironment) { _, new in new }
        return try ProcessRunner.run(path, arguments, in: directory ?? home, environment: environment, stdin: stdin)
    }
}
