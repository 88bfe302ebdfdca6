import RingletCrypto
import RingletManifest
import RingletSemver
import RingletSystem
import RingletYAML

/// `ringlet.lock`: for every manifest a project uses, the reference it was asked for and exactly what
/// it resolved to — registry, source, revision, id, version and the sha256 of the file's bytes.
///
/// Committed with the project, it makes CI resolve what the developer resolved, or fail and say why.
public struct Lockfile: Sendable, Equatable {
    public struct Pin: Sendable, Equatable {
        public var kind: ManifestKind
        public var reference: String
        public var registry: String
        public var source: String
        public var revision: String
        public var id: String
        public var version: Version
        public var sha256: SHA256Digest

        public init(kind: ManifestKind, reference: String, resolution: Resolution, revision: String) {
            self.kind = kind
            self.reference = reference
            registry = resolution.registry.name
            source = resolution.registry.source.location
            self.revision = revision
            id = resolution.manifest.id
            version = resolution.manifest.version
            sha256 = resolution.manifest.sha256
        }

        init(kind: ManifestKind, reference: String, registry: String, source: String, revision: String,
             id: String, version: Version, sha256: SHA256Digest) {
            self.kind = kind
            self.reference = reference
            self.registry = registry
            self.source = source
            self.revision = revision
            self.id = id
            self.version = version
            self.sha256 = sha256
        }
    }

    public static let fileName = "ringlet.lock"
    public static let currentVersion = 1
    public var pins: [Pin]

    public init(pins: [Pin]) {
        self.pins = pins.sorted { ($0.kind, $0.reference) < ($1.kind, $1.reference) }
    }

    public func pin(kind: ManifestKind, reference: String) -> Pin? {
        pins.first { $0.kind == kind && $0.reference == reference }
    }

    /// The lockfile of the project around `directory`: the nearest `ringlet.lock` in it or a parent.
    public static func find(from directory: String) -> String? {
        var current = FileStatus.realPath(directory) ?? directory
        while true {
            let candidate = (current == "/" ? "" : current) + "/" + fileName
            if let real = FileStatus.realPath(candidate), case .file = FileStatus.of(real) { return candidate }
            guard current != "/", let slash = current.lastIndex(of: "/") else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    public var yaml: String {
        var writer = YAMLWriter(header: ["Written by `ringlet registry lock`; commit it.",
                                         "`ringlet registry verify` (or any command with --locked, or CI set) fails when this no longer holds."])
        writer.scalar("version", Lockfile.currentVersion)
        if pins.isEmpty { writer.emptyList("pins") } else { writer.key("pins") }
        for pin in pins {
            writer.item("kind", pin.kind.rawValue)
            writer.scalar("ref", pin.reference, indent: 2)
            writer.scalar("registry", pin.registry, indent: 2)
            writer.scalar("source", pin.source, indent: 2)
            writer.scalar("revision", pin.revision, indent: 2)
            writer.scalar("id", pin.id, indent: 2)
            writer.scalar("version", pin.version.description, indent: 2)
            writer.scalar("sha256", pin.sha256.hex, indent: 2)
        }
        return writer.text
    }

    public func save(to path: String) throws(RegistryError) {
        do throws(SystemError) {
            try AtomicFile.write(yaml, to: path)
        } catch {
            throw .io("cannot write \(path): \(error)")
        }
    }

    public static func load(from path: String) throws(RegistryError) -> Lockfile {
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else {
                throw .invalidValue(YAMLLocation(file: path, line: 1, column: 1), "the lockfile is empty; run `ringlet registry lock`")
            }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["version", "pins"])
            let version = try map.int("version")
            guard version == currentVersion else {
                throw .invalidValue(map.location(of: "version"), "lockfile version \(version) is not supported (this ringlet writes version \(currentVersion))")
            }
            var pins: [Pin] = []
            for node in try map.list("pins") {
                let item = try node.mapping(key: "pins")
                try item.requireKnownKeys(["kind", "ref", "registry", "source", "revision", "id", "version", "sha256"])
                let kindText = try item.string("kind")
                guard let kind = ManifestKind(rawValue: kindText) else {
                    throw .invalidValue(item.location(of: "kind"), "unknown kind '\(kindText)'")
                }
                let versionText = try item.string("version")
                let pinned: Version
                do throws(SemverError) {
                    pinned = try Version(parsing: versionText)
                } catch {
                    throw .invalidValue(item.location(of: "version"), error.description)
                }
                guard let digest = SHA256Digest(hex: try item.string("sha256")) else {
                    throw .invalidValue(item.location(of: "sha256"), "'sha256' must be 64 hexadecimal digits")
                }
                let reference = try item.string("ref")
                do throws(RegistryError) {
                    _ = try ManifestReference(parsing: reference)
                } catch {
                    throw .invalidValue(item.location(of: "ref"), error.description)
                }
                let pin = Pin(kind: kind, reference: reference, registry: try item.string("registry"),
                              source: try item.string("source"), revision: try item.string("revision"),
                              id: try item.string("id"), version: pinned, sha256: digest)
                guard !pins.contains(where: { $0.kind == pin.kind && $0.reference == pin.reference }) else {
                    throw .invalidValue(node.location, "\(kind.rawValue) '\(reference)' is pinned twice")
                }
                pins.append(pin)
            }
            return Lockfile(pins: pins)
        } catch {
            throw .invalidFile(error)
        }
    }
}
