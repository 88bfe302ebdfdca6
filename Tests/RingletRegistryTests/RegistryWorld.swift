import Foundation
import RingletCrypto
import RingletManifest
import RingletRegistry
import RingletTestSupport

/// A temporary world for registry tests: folder registries built with `RegistryFixture`, a cache root,
/// and the configuration, registry set and resolver that see them.
final class RegistryWorld: @unchecked Sendable {
    let temporary: TemporaryDirectory
    /// The temporary folder's canonical path, so it compares equal to the paths ringlet resolves.
    let base: String
    var configuration = RegistryConfiguration()

    init() throws {
        temporary = try TemporaryDirectory("ringlet-registry-test")
        base = URL(fileURLWithPath: temporary.path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    func path(_ relative: String) -> String { base + "/" + relative }

    /// Writes `text` at `relative` under the world's folder, creating parent folders; returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try RegistryFixture(existing: base).write(relative, text)
    }

    /// Creates a folder registry at `registries/<name>` and configures it under `name`.
    @discardableResult
    func folderRegistry(_ name: String, priority: Int = RegistryConfiguration.defaultPriority) throws -> RegistryFixture {
        let fixture = try RegistryFixture(at: path("registries/" + name), name: name)
        configuration.entries.append(.init(name: name, source: .directory(path: fixture.path), priority: priority))
        return fixture
    }

    /// The registry folder at `relative` (made earlier by `folderRegistry` or `RegistryFixture(at:)`).
    ///
    /// Tests reach files through the world rather than keeping a fixture or tree apart from it, so the
    /// temporary folder lives as long as anything still reads it.
    func fixture(_ relative: String) -> RegistryFixture { RegistryFixture(existing: path(relative)) }

    /// The folder at `relative` as a registry tree labelled `label` (the folder name unless given).
    func tree(_ relative: String, label: String? = nil) -> RegistryTree {
        .directory(path(relative), label: label ?? relative)
    }

    /// `RegistryScan.contentDigest` of the folder at `relative`.
    func digest(_ relative: String) -> SHA256Digest {
        let tree = tree(relative)
        return RegistryScan(tree).contentDigest(tree)
    }

    var cache: RegistryCache { RegistryCache(root: path("cache")) }
    var set: RegistrySet { RegistrySet(configuration: configuration, cache: cache) }
    var resolver: RegistryResolver { RegistryResolver(set) }

    /// Resolves `reference` and returns the resolution with every warning the resolver gave.
    func resolve(_ reference: String, kind: ManifestKind = .agent) throws -> (resolution: Resolution, warnings: [String]) {
        var warnings: [String] = []
        let resolution = try resolver.resolve(try ManifestReference(parsing: reference), kind: kind) { warnings.append($0) }
        return (resolution, warnings)
    }

    /// The message `resolve` fails with, and the warnings given on the way.
    func failure(_ reference: String, kind: ManifestKind = .agent) -> (message: String?, warnings: [String]) {
        var warnings: [String] = []
        do {
            _ = try resolver.resolve(try ManifestReference(parsing: reference), kind: kind) { warnings.append($0) }
            return (nil, warnings)
        } catch {
            return ("\(error)", warnings)
        }
    }
}

enum RegistryFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(relative)))
    }
}

extension Resolution {
    /// `id version (registry)`, for compact expectations.
    var summary: String { "\(manifest.id) \(manifest.version) (\(registry.name))" }
}
