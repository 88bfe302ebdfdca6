import Foundation
@testable import RingletPolicy
import RingletTestSupport
import RingletYAML
import Testing

/// egg.yaml files on disk (`Fixtures/`) into layers: paths relative to each file, origins with
/// line:column, `base:` chains, and the errors a user sees for bad files.
@Suite struct EggLoaderTests {
    static let home = "/nonexistent-home/me"
    static let resolver = PathResolver(home: home, environment: environment(["SECRETS": "/nonexistent-vault"]))

    static func load(_ relative: String, kind: PolicyLayer.Kind = .project) throws -> [PolicyLayer] {
        try EggLoader.layers(file: PolicyFixtures.path(relative), kind: kind, resolver: resolver)
    }

    static func error(_ relative: String) -> String? {
        failure { () throws(PolicyError) in try EggLoader.layers(file: PolicyFixtures.path(relative), kind: .project, resolver: resolver) }
    }

    @Test func rulesResolveAgainstTheEggsFolderWithTheirPositions() throws {
        let layers = try Self.load("basic/egg.yaml", kind: .global)
        try #require(layers.count == 1)
        let layer = layers[0]
        let file = PolicyFixtures.path("basic/egg.yaml")
        let folder = PolicyFixtures.path("basic")
        #expect(layer.kind == .global)
        #expect(layer.label == file)
        #expect(layer.fileRules.map(\.access) == [.rw, .ro, .deny, .denyWrite, .ro])
        #expect(layer.fileRules.map(\.path) == [folder + "/build", Self.home + "/datasets", "/nonexistent-vault/keys",
                                                "/nonexistent-ringlet-fixture/etc", folder])
        #expect(layer.fileRules.map(\.written) == ["build", "~/datasets", "$SECRETS/keys", "/nonexistent-ringlet-fixture/etc", "."])
        #expect(layer.fileRules.map { $0.origin.location } == (2 ... 6).map { YAMLLocation(file: file, line: $0, column: 5) })
        #expect(layer.fileRules.allSatisfy { !$0.isProtected })
        #expect(layer.fileRules[0].origin.description == "global egg.yaml \(file):2:5")

        #expect(layer.overrides.map(\.rule.path) == [Self.home + "/.aws/config"])
        #expect(layer.overrides.map(\.rule.access) == [.ro])
        #expect(layer.overrides.map(\.liftsProtected) == [false])
        #expect(layer.overrides[0].rule.origin.location == YAMLLocation(file: file, line: 8, column: 5))

        #expect(layer.network.map(\.pattern.description) == ["api.example.com", "*.pypi.org"])
        #expect(layer.network.map { $0.origin.location?.line } == [10, 11])
        #expect(layer.environment.map(\.name) == ["EDITOR", "MODE"])
        #expect(layer.environment.map(\.value) == [nil, "test"])
        #expect(layer.environment.map { $0.origin.location?.line } == [13, 14])
        #expect(layer.memoryBytes?.value == 4 << 30)
        #expect(layer.memoryBytes?.origin.location?.line == 16)
        #expect(layer.cpuMilliseconds?.value == 300_000)
        #expect(layer.skipPermissions?.value == true)
        #expect(layer.skipPermissions?.origin.location?.line == 18)
        #expect(!layer.dropsDefaults)
    }

    @Test func aBaseChainComesFirstOutermostBase() throws {
        let layers = try Self.load("chain/egg.yaml")
        #expect(layers.map(\.label) == ["chain/shared/org/base.yaml", "chain/shared/team.yaml", "chain/egg.yaml"].map(PolicyFixtures.path))
        #expect(layers.map { $0.fileRules.map(\.path) } == [
            [PolicyFixtures.path("chain/shared/org/private")],
            [PolicyFixtures.path("chain/shared/cache")],
            [PolicyFixtures.path("chain/out")],
        ])
        #expect(layers.allSatisfy { $0.kind == .project })
        #expect(layers[0].network.map(\.pattern.description) == ["example.org"])
        // Composed, the base's deny still holds against a later grant.
        let policy = PolicyComposer.compose(layers + [Layers.layer("flags", kind: .flags, [(.rw, PolicyFixtures.path("chain/shared/org/private/x"))])])
        #expect(policy.access(PolicyFixtures.path("chain/shared/org/private/x")) == .none)
    }

    @Test func baseNoneDropsDefaults() throws {
        let layers = try Self.load("none/egg.yaml")
        #expect(layers.count == 1)
        #expect(layers[0].dropsDefaults)
        #expect(layers[0].fileRules.map(\.path) == [PolicyFixtures.path("none")])
    }

    @Test func anEmptyFileIsAnEmptyLayer() throws {
        let temporary = try TemporaryDirectory("ringlet-egg")
        let file = try temporary.write("egg.yaml", "# nothing yet\n")
        let layers = try EggLoader.layers(file: file, kind: .project, resolver: Self.resolver)
        #expect(layers.count == 1 && layers[0].isEmpty)
    }

    // MARK: Broken chains

    @Test func aCycleShowsTheChain() {
        let a = PolicyFixtures.path("cycle/a.yaml"), b = PolicyFixtures.path("cycle/b.yaml")
        // The message may lead with the position of the `base:` that closes the loop; the chain is what matters.
        #expect(Self.error("cycle/a.yaml")?.hasSuffix("egg.yaml base chain loops: \(a) -> \(b) -> \(a)") == true, "\(Self.error("cycle/a.yaml") ?? "loaded")")
        let me = PolicyFixtures.path("cycle/self.yaml")
        #expect(Self.error("cycle/self.yaml")?.hasSuffix("egg.yaml base chain loops: \(me) -> \(me)") == true, "\(Self.error("cycle/self.yaml") ?? "loaded")")
    }

    @Test func aChainDeeperThanTenIsRefused() throws {
        let temporary = try TemporaryDirectory("ringlet-egg")
        let root = realPath(temporary.path)
        for index in 0 ..< 11 {
            try temporary.write("e\(index).yaml", (index < 10 ? "base: e\(index + 1).yaml\n" : "") + "fs: [ro:f\(index)]\n")
        }
        let chain = (0 ..< 11).map { "\(root)/e\($0).yaml" }
        let message = failure { () throws(PolicyError) in try EggLoader.layers(file: chain[0], kind: .project, resolver: Self.resolver) }
        #expect(message == "egg.yaml base chain is deeper than 10: " + chain.joined(separator: " -> "))

        // Ten files (nine bases) are fine, base first.
        let ten = try EggLoader.layers(file: chain[1], kind: .project, resolver: Self.resolver)
        #expect(ten.map(\.label) == Array(chain[1...].reversed()))
    }

    @Test func aMissingBaseIsAnErrorAtTheBaseLine() {
        let file = PolicyFixtures.path("missing/egg.yaml")
        #expect(Self.error("missing/egg.yaml")
            == "\(file):1:7: base 'nothing-here.yaml' does not exist (\(PolicyFixtures.path("missing/nothing-here.yaml")))")
    }

    // MARK: Bad files

    static let refusals: [(file: String, position: String, message: String)] = [
        ("no-colon", "2:5", "'rw/etc' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        ("no-path", "2:5", "'deny:' names no path"),
        ("unknown-key", "2:1", "unknown key 'netwrk' (did you mean 'network'?)"),
        ("memory", "2:11", "'memory' must be a size like 512M or 4G, found 'lots'"),
        ("cpu", "2:8", "'cpu' must be a duration above zero like 500ms, 10s or 5m, found '0s'"),
        ("override-deny", "3:5", "allow-override widens access, so it takes rw:PATH or ro:PATH, not deny:"),
        ("network-name", "3:5", "network entry 'exa mple.com' is not a host name, '*.suffix' or 'host:port'"),
        ("network-port", "2:5", "network entry 'example.com:99999' has an invalid port"),
        ("escape", "3:5", "relative path '../x' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
        ("unset", "2:5", "$NOT_SET_ANYWHERE is not set, so '$NOT_SET_ANYWHERE/x' names no path"),
        ("base-escape", "1:7", "relative path '../basic/egg.yaml' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
    ]

    @Test(arguments: refusals)
    func badFilesAreRefusedWithFileLineColumn(_ row: (file: String, position: String, message: String)) {
        let relative = "bad/\(row.file).yaml"
        #expect(Self.error(relative) == "\(PolicyFixtures.path(relative)):\(row.position): \(row.message)")
    }

    /// `- deny:` unquoted is YAML for a one-key mapping, not the text `deny:`; it is still refused where it stands.
    @Test func anUnquotedEmptyRuleIsRefusedAtItsPosition() throws {
        let message = try #require(Self.error("bad/no-path-plain.yaml"))
        #expect(message.hasPrefix(PolicyFixtures.path("bad/no-path-plain.yaml") + ":2:"), "\(message)")
        #expect(message.contains("deny"), "\(message)")
    }

    // MARK: Discovery

    @Test func discoveryFindsEggsFromTheRepositoryRootDownOutermostFirst() throws {
        let temporary = try TemporaryDirectory("ringlet-discovery")
        let root = realPath(temporary.path)
        for egg in ["outer/egg.yaml", "outer/repo/egg.yaml", "outer/repo/services/api/egg.yaml", "outer/repo/vendor/lib/egg.yaml"] {
            try temporary.write(egg, "fs: []\n")
        }
        try makeFolder(root + "/outer/repo/.git")
        try makeFolder(root + "/outer/repo/services/api/build")
        try makeFolder(root + "/outer/repo/services/egg.yaml")  // a folder, not a file: skipped
        try temporary.write("outer/repo/vendor/lib/.git", "gitdir: ../../.git/modules/lib\n")

        #expect(EggDiscovery.projectEggs(workspace: root + "/outer/repo/services/api")
            == [root + "/outer/repo/egg.yaml", root + "/outer/repo/services/api/egg.yaml"])
        #expect(EggDiscovery.projectEggs(workspace: root + "/outer/repo/services/api/build")
            == [root + "/outer/repo/egg.yaml", root + "/outer/repo/services/api/egg.yaml"])
        #expect(EggDiscovery.projectEggs(workspace: root + "/outer/repo") == [root + "/outer/repo/egg.yaml"])
        // A nested repository (a `.git` file, as in a submodule or worktree) is its own root.
        #expect(EggDiscovery.projectEggs(workspace: root + "/outer/repo/vendor/lib") == [root + "/outer/repo/vendor/lib/egg.yaml"])
    }

    @Test func outsideARepositoryOnlyTheWorkspacesOwnEggCounts() throws {
        let temporary = try TemporaryDirectory("ringlet-discovery")
        let root = realPath(temporary.path)
        try temporary.write("plain/egg.yaml", "fs: []\n")
        try temporary.write("plain/ws/egg.yaml", "fs: []\n")
        try makeFolder(root + "/plain/bare")
        #expect(EggDiscovery.projectEggs(workspace: root + "/plain/ws") == [root + "/plain/ws/egg.yaml"])
        #expect(EggDiscovery.projectEggs(workspace: root + "/plain/bare").isEmpty)
    }

    @Test func discoveryFollowsASymlinkedWorkspace() throws {
        let temporary = try TemporaryDirectory("ringlet-discovery")
        let root = realPath(temporary.path)
        try makeFolder(root + "/repo/.git")
        try temporary.write("repo/egg.yaml", "fs: []\n")
        try temporary.write("repo/app/egg.yaml", "fs: []\n")
        try makeSymlink(root + "/app-link", to: root + "/repo/app")
        #expect(EggDiscovery.projectEggs(workspace: root + "/app-link") == [root + "/repo/egg.yaml", root + "/repo/app/egg.yaml"])
    }
}
