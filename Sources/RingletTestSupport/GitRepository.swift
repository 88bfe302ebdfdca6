import Foundation

/// A real git repository in a folder, driven with the `git` command, for registry tests.
public struct GitRepository: Sendable {
    public let path: String

    public init(at path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "--quiet", "--initial-branch=main")
    }

    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        let result = try ProcessRunner.run("git", ["-C", path, "-c", "user.name=Ringlet Test", "-c", "user.email=test@ringlet.invalid",
                                                   "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments)
        guard result.status == 0 else { throw GitFailure(message: "git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stages everything and commits; returns the new commit.
    @discardableResult
    public func commitAll(_ message: String) throws -> String {
        try git("add", "--all")
        try git("commit", "--quiet", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    public struct GitFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
