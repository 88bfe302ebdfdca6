import RingletManifest
import RingletSystem
import RingletYAML

/// `registries.yaml`: the registries a user added, with their sources and search priorities.
///
/// Higher priority is searched first; equal priorities go by name. The built-in registry is not
/// listed: it is always there, at priority 0 unless `builtin_priority` says otherwise.
public struct RegistryConfiguration: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var source: RegistrySource
        public var priority: Int

        public init(name: String, source: RegistrySource, priority: Int) {
            self.name = name
            self.source = source
            self.priority = priority
        }
    }

    public static let builtinName = "builtin"
    public static let defaultPriority = 50
    public static let fileName = "registries.yaml"

    public var entries: [Entry]
    public var builtinPriority: Int

    public init(entries: [Entry] = [], builtinPriority: Int = 0) {
        self.entries = entries
        self.builtinPriority = builtinPriority
    }

    /// The file's content, or an empty configuration when there is no file yet.
    public static func load(from path: String) throws(RegistryError) -> RegistryConfiguration {
        guard FileStatus.of(path).exists else { return RegistryConfiguration() }
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else { return RegistryConfiguration() }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["registries", "builtin_priority"])
            var configuration = RegistryConfiguration(builtinPriority: try map.optionalInt("builtin_priority") ?? 0)
            for node in try map.list("registries") {
                let item = try node.mapping(key: "registries")
                try item.requireKnownKeys(["name", "type", "source", "ref", "priority"])
                let name = try item.string("name")
                if let problem = validate(name: name) { throw .invalidValue(item.location(of: "name"), problem) }
                guard !configuration.entries.contains(where: { $0.name == name }) else {
                    throw .invalidValue(item.location(of: "name"), "registry '\(name)' is listed twice")
                }
                let location = try item.string("source")
                let typeText = try item.string("type")
                let kind = RegistrySource.Kind(rawValue: typeText)
                if kind != .git, item.optionalNode("ref") != nil {
                    throw .invalidValue(item.location(of: "ref"), "'ref' applies to git registries only")
                }
                let source: RegistrySource
                switch kind {
                case .dir:
                    if item.optionalNode("ref") != nil {
                        throw .invalidValue(item.location(of: "ref"), "'ref' applies to git registries only")
                    }
                    source = .directory(path: location)
                case .git: source = .git(url: location, ref: try item.optionalString("ref"))
                case .http: source = .http(url: location)
                case .builtin, nil:
                    throw .invalidValue(item.location(of: "type"), "unknown registry type '\(typeText)' (expected dir, git or http)")
                }
                configuration.entries.append(Entry(name: name, source: source,
                                                   priority: try item.optionalInt("priority") ?? defaultPriority))
            }
            return configuration
        } catch {
            throw .invalidFile(error)
        }
    }

    public func save(to path: String) throws(RegistryError) {
        var writer = YAMLWriter(header: ["Registries ringlet searches, highest priority first; managed by `ringlet registry add/remove`."])
        if builtinPriority != 0 { writer.scalar("builtin_priority", builtinPriority) }
        if entries.isEmpty { writer.emptyList("registries") } else { writer.key("registries") }
        for entry in entries {
            writer.item("name", entry.name)
            writer.scalar("type", entry.source.kind.rawValue, indent: 2)
            writer.scalar("source", entry.source.location, indent: 2)
            if let ref = entry.source.ref { writer.scalar("ref", ref, indent: 2) }
            writer.scalar("priority", entry.priority, indent: 2)
        }
        do throws(SystemError) {
            if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try Directory.create(String(path[..<slash])) }
            try AtomicFile.write(writer.text, to: path)
        } catch {
            throw .io("cannot save \(path): \(error)")
        }
    }

    /// Why `name` cannot name a registry, or nil.
    public static func validate(name: String) -> String? {
        if name == builtinName { return "'builtin' is the built-in registry's name" }
        return ManifestIdentity.problem(withID: name, noun: "registry name")
    }
}
