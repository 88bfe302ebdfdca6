import Foundation

/// A registry folder that is also a real git repository: publish manifests with `registry`, then
/// `commit`, `tag`, move tags and rewrite history the way a registry's maintainers would.
public struct GitRegistryFixture: Sendable {
    public let registry: RegistryFixture
    public let repository: GitRepository

    public var path: String { registry.path }

    /// `git init` in a new registry folder named `name` (nothing committed yet).
    public init(at path: String, name: String) throws {
        registry = try RegistryFixture(at: path, name: name)
        repository = try GitRepository(at: path)
    }

    /// A git registry `name` with agent `agent` 1.0.0 committed on `main` and tagged `v1`; returns it and the commit.
    public static func published(at path: String, name: String = "team", agent: String = "foo") throws -> (GitRegistryFixture, commit: String) {
        let source = try GitRegistryFixture(at: path, name: name)
        try source.registry.agent(agent, "1.0.0")
        let commit = try source.commit("\(agent) 1.0.0")
        try source.tag("v1")
        return (source, commit)
    }

    /// Commits everything; returns the new commit.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try repository.commitAll(message)
    }

    /// Creates tag `name` at HEAD, or moves it there when `force` is set.
    public func tag(_ name: String, force: Bool = false) throws {
        if force { try repository.git("tag", "--force", name) } else { try repository.git("tag", name) }
    }

    public func head() throws -> String {
        try repository.git("rev-parse", "HEAD")
    }

    /// Drops the last commit from the current branch and expires it, as a force-push would.
    public func dropLastCommit() throws {
        try repository.git("reset", "--quiet", "--hard", "HEAD~1")
        try repository.git("reflog", "expire", "--expire=now", "--all")
        try repository.git("gc", "--quiet", "--prune=now")
    }
}
