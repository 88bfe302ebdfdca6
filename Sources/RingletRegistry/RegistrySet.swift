import RingletManifest
import RingletSystem
import RingletYAML

/// The registries a command searches, opened from the configuration and the cache, in search order.
///
/// Opening touches no network and parses no manifest: it is a stat per registry, so every command
/// (and every hook call) can afford it.
public struct RegistrySet: Sendable {
    public let registries: [OpenedRegistry]
    public let configuration: RegistryConfiguration
    public let cache: RegistryCache

    public init(configuration: RegistryConfiguration, cache: RegistryCache) {
        var registries = [OpenedRegistry.builtin(priority: configuration.builtinPriority)]
        for entry in configuration.entries {
            switch entry.source {
            case .builtin:
                continue
            case .directory(let path):
                registries.append(OpenedRegistry(name: entry.name, source: entry.source, priority: entry.priority,
                                                 tree: FileStatus.of(path) == .directory ? .directory(path, label: path) : nil))
            case .git, .http:
                let folder = cache.currentFolder(of: entry.name)
                registries.append(OpenedRegistry(name: entry.name, source: entry.source, priority: entry.priority,
                                                 tree: folder.map { .directory($0, label: entry.name + ":") },
                                                 fetchedRevision: cache.currentRevision(of: entry.name)))
            }
        }
        self.registries = registries.sorted { ($0.priority, $1.name) > ($1.priority, $0.name) }
        self.configuration = configuration
        self.cache = cache
    }

    public func registry(named name: String) throws(RegistryError) -> OpenedRegistry {
        guard let registry = registries.first(where: { $0.name == name }) else {
            throw .unknownRegistry(name, known: registries.map(\.name))
        }
        return registry
    }
}
