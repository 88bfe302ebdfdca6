import Foundation
import RingletCrypto
import RingletManifest
import RingletRegistry
import Testing

/// `ringlet.lock`: written, found from inside a project, and refused with a location when malformed.
@Suite struct LockfileTests {
    private static let digest = SHA256Digest(hex: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")!

    @Test func fixtureLoadsWithEveryField() throws {
        let lock = try Lockfile.load(from: RegistryFixtures.path("lockfiles/good.lock"))
        #expect(lock.pins.map(\.kind) == [.agent, .provider], "pins are kept sorted by kind, then reference")
        let claude = try #require(lock.pin(kind: .agent, reference: "claude@^2"))
        #expect(claude.registry == "acme")
        #expect(claude.source == "/srv/acme")
        #expect(claude.revision == "sha256:" + Self.digest.hex)
        #expect(claude.id == "claude")
        #expect(claude.version.description == "2.1.3")
        #expect(claude.sha256 == Self.digest)
        #expect(lock.pin(kind: .provider, reference: "claude@^2") == nil)
        #expect(lock.pin(kind: .agent, reference: "claude") == nil)
    }

    @Test func yamlThenLoadRoundTrips() throws {
        let world = try RegistryWorld()
        var lock = try Lockfile.load(from: RegistryFixtures.path("lockfiles/good.lock"))
        // Values that need quoting survive too.
        lock.pins[0].reference = "acme/claude@>=2.0.0 <3.0.0-0"
        lock.pins[1].source = "/srv/my: registry #1"
        lock.pins[1].revision = "1.10"
        let file = world.path("ringlet.lock")
        try lock.save(to: file)
        let loaded = try Lockfile.load(from: file)
        #expect(loaded == lock)
        #expect(loaded.yaml == lock.yaml)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == lock.yaml)
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.base).filter { $0 != "ringlet.lock" }.isEmpty,
                "no temporary file is left beside the lockfile")
    }

    @Test func pinsFromResolutionsRoundTrip() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("acme").agent("tool", "1.2.0")
        let tool = try world.resolve("tool@^1").resolution
        let anthropic = try world.resolve("anthropic", kind: .provider).resolution
        let lock = Lockfile(pins: [
            Lockfile.Pin(kind: .provider, reference: "anthropic", resolution: anthropic, revision: try #require(anthropic.registry.revision)),
            Lockfile.Pin(kind: .agent, reference: "tool@^1", resolution: tool, revision: try #require(tool.registry.revision)),
        ])
        let pin = try #require(lock.pin(kind: .agent, reference: "tool@^1"))
        #expect(pin.registry == "acme" && pin.source == world.path("registries/acme") && pin.version.description == "1.2.0")
        #expect(pin.sha256 == tool.manifest.sha256)
        #expect(pin.revision.hasPrefix("sha256:"))
        let file = world.path("project/ringlet.lock")
        try FileManager.default.createDirectory(atPath: world.path("project"), withIntermediateDirectories: true)
        try lock.save(to: file)
        #expect(try Lockfile.load(from: file) == lock)
    }

    @Test func emptyLockfileWritesAnEmptyList() throws {
        let world = try RegistryWorld()
        try Lockfile(pins: []).save(to: world.path("ringlet.lock"))
        #expect(try world.temporary.read("ringlet.lock").contains("\npins: []\n"))
        #expect(try Lockfile.load(from: world.path("ringlet.lock")) == Lockfile(pins: []))
    }

    @Test func findWalksUpToTheNearestLockfile() throws {
        let world = try RegistryWorld()
        let outer = try world.write("project/ringlet.lock", "version: 1\npins: []\n")
        let inner = try world.write("project/sub/ringlet.lock", "version: 1\npins: []\n")
        try FileManager.default.createDirectory(atPath: world.path("project/src/deep/er"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: world.path("project/sub/x/ringlet.lock"), withIntermediateDirectories: true)
        #expect(Lockfile.find(from: world.path("project")) == outer)
        #expect(Lockfile.find(from: world.path("project/src/deep/er")) == outer)
        #expect(Lockfile.find(from: world.path("project/sub")) == inner)
        #expect(Lockfile.find(from: world.path("project/sub/x")) == inner, "a folder named ringlet.lock is not a lockfile")
        // Reached through a symlink, the lockfile is found where the folder really is.
        try FileManager.default.createSymbolicLink(atPath: world.path("link"), withDestinationPath: world.path("project/src"))
        #expect(Lockfile.find(from: world.path("link/deep")) == outer)
    }

    /// A project may symlink its lockfile (a monorepo's shared lock); `load` follows the link, so `find` should too.
    @Test func findTakesASymlinkedLockfile() throws {
        let world = try RegistryWorld()
        let shared = try world.write("shared/ringlet.lock", "version: 1\npins: []\n")
        try FileManager.default.createDirectory(atPath: world.path("project/src"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: world.path("project/ringlet.lock"), withDestinationPath: shared)
        #expect(try Lockfile.load(from: world.path("project/ringlet.lock")) == Lockfile(pins: []))
        let found = Lockfile.find(from: world.path("project/src"))
        #expect(found == world.path("project/ringlet.lock"))
    }

    @Test(arguments: [
        ("bad-version.lock", "9:12: invalid version '2.1': version core '2.1' is not major.minor.patch"),
        ("bad-sha256.lock", "10:11: 'sha256' must be 64 hexadecimal digits"),
        ("duplicate-pin.lock", "11:3: agent 'claude' is pinned twice"),
        ("unknown-key.lock", "11:3: unknown key 'registy' (did you mean 'registry'?)"),
        ("bad-ref.lock", "4:8: invalid reference 'claude@': nothing follows '@'; write a version or range such as @^2.1"),
        ("unknown-kind.lock", "3:9: unknown kind 'plugin'"),
        ("version-2.lock", "1:10: lockfile version 2 is not supported (this ringlet writes version 1)"),
        ("missing-source.lock", "3:3: missing required key 'source'"),
        ("empty.lock", "1:1: the lockfile is empty; run `ringlet registry lock`"),
    ])
    func malformedLockfileIsRefusedWithItsLocation(fixture: String, message: String) {
        let path = RegistryFixtures.path("lockfiles/" + fixture)
        let error = #expect(throws: RegistryError.self) { try Lockfile.load(from: path) }
        #expect(error?.description == "\(path):\(message)")
    }

    @Test func missingLockfileIsAnErrorNamingIt() {
        let error = #expect(throws: RegistryError.self) { try Lockfile.load(from: "/nonexistent/ringlet.lock") }
        #expect(error?.description.hasPrefix("/nonexistent/ringlet.lock: ") == true)
    }
}
