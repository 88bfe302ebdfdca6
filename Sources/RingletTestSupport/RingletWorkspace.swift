import Foundation

/// One isolated world for an end-to-end test: a temporary folder holding a `RINGLET_HOME` (`home/`)
/// and room for registries, repositories and projects (`work/`), and the built `ringlet` bound to it.
/// Everything is removed when the workspace goes away.
public final class RingletWorkspace: @unchecked Sendable {
    public let root: TemporaryDirectory
    /// The root's canonical path (no symlinks, no `//`), so paths compare equal to what ringlet prints.
    public let base: String
    public let ringlet: RingletBinary

    public init(_ prefix: String = "ringlet-e2e") throws {
        root = try TemporaryDirectory(prefix)
        base = URL(fileURLWithPath: root.path).resolvingSymlinksInPath().standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: base + "/home", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/work", withIntermediateDirectories: true)
        ringlet = RingletBinary(home: base + "/home")
    }

    /// `RINGLET_HOME`.
    public var home: String { ringlet.home }

    /// A path under `work/`, where a test keeps its registries and projects.
    public func path(_ relative: String) -> String {
        relative.isEmpty ? base + "/work" : base + "/work/" + relative
    }

    /// Creates and returns the folder `work/relative`.
    @discardableResult
    public func folder(_ relative: String) throws -> String {
        let full = path(relative)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    /// A registry folder `work/relative` whose `registry.yaml` names it `name`.
    public func registry(_ relative: String, name: String? = nil) throws -> RegistryFixture {
        try RegistryFixture(at: path(relative), name: name ?? relative)
    }

    /// Runs `ringlet ARGUMENTS` (in `work/` unless `directory` says otherwise).
    @discardableResult
    public func run(_ arguments: String..., in directory: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try ringlet.run(arguments, in: directory ?? path(""), environment: environment)
    }

    @discardableResult
    public func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try ringlet.run(arguments, in: directory ?? path(""), environment: environment)
    }

    /// `$RINGLET_HOME/config/registries.yaml`.
    public var registriesFile: String { home + "/config/registries.yaml" }

    /// The bytes of `registries.yaml`, or nil when there is none; compare before and after a refused command.
    public var registriesSnapshot: Data? { FileManager.default.contents(atPath: registriesFile) }

    /// `$RINGLET_HOME/cache/registries/NAME`: where a git or HTTP registry's content is cached.
    public func cacheFolder(of registry: String) -> String { home + "/cache/registries/" + registry }

    /// The revision folder the registry's `current` symlink points at (relative, e.g. `revisions/<rev>`).
    public func currentRevisionLink(of registry: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: cacheFolder(of: registry) + "/current")
    }

    /// The revision folders in the registry's cache, sorted (hidden names included, so leftovers show).
    public func cachedRevisions(of registry: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cacheFolder(of: registry) + "/revisions")) ?? []).sorted()
    }

    public func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    }

    /// Writes `text` at `work/relative`, creating parent folders; returns the full path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try RegistryFixture(existing: path("")).write(relative, text)
    }
}
