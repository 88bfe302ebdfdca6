import RingletCrypto

/// One configured registry, ready to be searched: its name, source and priority, and the tree of the
/// revision in use (nil for a fetched registry that was never fetched).
public struct OpenedRegistry: Sendable {
    public var name: String
    public var source: RegistrySource
    public var priority: Int
    public var tree: RegistryTree?
    /// The fetched revision for git and HTTP registries; folder and built-in registries are digested on demand.
    var fetchedRevision: String?

    /// The revision a lockfile pins: a git commit, or `sha256:` of the index or of the content.
    public var revision: String? {
        if let fetchedRevision { return fetchedRevision }
        guard let tree else { return nil }
        return "sha256:" + RegistryScan(tree).contentDigest(tree).hex
    }

    /// Why there is no tree: a folder that is gone, or a fetched registry that was never fetched.
    public var unavailable: RegistryError {
        if case .directory(let path) = source { return .folderMissing(name, path: path) }
        return .notCached(name)
    }

    /// The built-in registry, from the files compiled into the binary.
    public static func builtin(priority: Int) -> OpenedRegistry {
        var files: [String: [UInt8]] = [:]
        for (path, text) in BuiltinRegistryFiles.files { files[path] = Array(text.utf8) }
        return OpenedRegistry(name: RegistryConfiguration.builtinName, source: .builtin, priority: priority,
                              tree: .embedded(files, label: "builtin:"), fetchedRevision: nil)
    }
}
