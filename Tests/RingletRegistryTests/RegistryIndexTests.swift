import Foundation
import RingletCrypto
import RingletRegistry
import RingletTestSupport
import RingletYAML
import Testing

/// `index.yaml`: what an HTTP registry publishes so clients know its files and can verify their bytes.
@Suite struct RegistryIndexTests {
    /// A world with registry `reg` holding a few agents and a provider.
    private func registry() throws -> RegistryWorld {
        let world = try RegistryWorld()
        let fixture = try RegistryFixture(at: world.path("reg"), name: "reg")
        try fixture.agent("tool", "1.10.0")
        try fixture.agent("tool", "1.2.0")
        try fixture.agent("aaa", "0.1.0-rc.1")
        try fixture.provider("acme", "1.0.0")
        return world
    }

    @Test func generateThenWriteThenParseRoundTrips() throws {
        let world = try registry()
        let index = try RegistryIndex.generate(for: world.tree("reg"))
        let parsed = try RegistryIndex.parse(Array(index.yaml.utf8), file: "index.yaml")
        #expect(parsed == index)
        #expect(parsed.yaml == index.yaml, "writing is deterministic")
    }

    @Test func generatedEntriesAreSortedAndHashTheBytes() throws {
        let world = try registry()
        let index = try RegistryIndex.generate(for: world.tree("reg"))
        #expect(index.entries.map(\.path) == [
            "agents/aaa/0.1.0-rc.1.yaml", "agents/tool/1.2.0.yaml", "agents/tool/1.10.0.yaml", "providers/acme/1.0.0.yaml",
        ])
        for entry in index.entries {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: world.fixture("reg").file(entry.path)))
            #expect(entry.sha256 == SHA256.hash(Array(bytes)), "\(entry.path)")
        }
        #expect(index.registrySHA256 == SHA256.hash(Array(try Data(contentsOf: URL(fileURLWithPath: world.fixture("reg").file("registry.yaml"))))))
    }

    /// The index committed in the repository's `registry/` is exactly what `ringlet registry index` writes.
    @Test func committedBuiltinIndexIsUpToDate() throws {
        let tree = try #require(OpenedRegistry.builtin(priority: 0).tree)
        let generated = try RegistryIndex.generate(for: tree)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: repository.appendingPathComponent("registry/index.yaml"), encoding: .utf8)
        #expect(generated.yaml == committed)
    }

    @Test func emptyRegistryWritesAnEmptyList() throws {
        let world = try RegistryWorld()
        _ = try RegistryFixture(at: world.path("empty"), name: "empty")
        let index = try RegistryIndex.generate(for: world.tree("empty"))
        #expect(index.entries.isEmpty)
        #expect(index.yaml.contains("\nmanifests: []\n"))
        #expect(try RegistryIndex.parse(Array(index.yaml.utf8), file: "index.yaml") == index)
    }

    @Test func generateRefusesABrokenRegistry() throws {
        let world = try registry()
        try world.fixture("reg").agent("tool", "1.3.0", extra: "network: api.example.com")
        try world.fixture("reg").write("README.md", "docs\n")
        let error = #expect(throws: RegistryError.self) { try RegistryIndex.generate(for: world.tree("reg")) }
        #expect(error?.description == "cannot index a registry with problems: "
            + "reg/agents/tool/1.3.0.yaml:7:10: 'network' must be a list, found 'api.example.com' (and 1 more; see `ringlet registry lint`)")
    }

    @Test func digestsParseInEitherCase() throws {
        let index = try RegistryIndex.parse(try RegistryFixtures.bytes("index/uppercase-digests.yaml"), file: "index.yaml")
        let digest = try #require(SHA256Digest(hex: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        #expect(index.registrySHA256 == digest)
        #expect(index.entries.map(\.path) == ["agents/tool/1.0.0.yaml", "hooks/guard/2.0.0.yaml"], "entries are sorted by kind")
        #expect(index.entries.allSatisfy { $0.sha256 == digest })
    }

    @Test(arguments: [
        ("bad-sha.yaml", "7:11: 'sha256' must be 64 hexadecimal digits"),
        ("short-registry-sha.yaml", "2:18: 'registry_sha256' must be 64 hexadecimal digits"),
        ("duplicate-path.yaml", "8:3: agents/tool/1.0.0.yaml is listed twice"),
        ("unknown-key.yaml", "7:3: unknown key 'sha265' (did you mean 'sha256'?)"),
        ("format-2.yaml", "1:9: index format 2 is not supported"),
        ("unknown-kind.yaml", "4:9: unknown kind 'plugin'"),
        ("bad-version.yaml", "6:12: invalid version '1.0': version core '1.0' is not major.minor.patch"),
        ("bad-id.yaml", "5:7: id '../../etc' must start with a lower-case letter or digit"),
        ("empty.yaml", "1:1: index.yaml is empty"),
    ])
    func malformedIndexIsRefusedWithItsLocation(fixture: String, message: String) throws {
        let bytes = try RegistryFixtures.bytes("index/" + fixture)
        let error = #expect(throws: YAMLError.self) { try RegistryIndex.parse(bytes, file: fixture) }
        #expect(error?.description == "\(fixture):\(message)")
    }
}
