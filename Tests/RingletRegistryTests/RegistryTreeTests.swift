import Foundation
import RingletManifest
import RingletRegistry
import RingletTestSupport
import Testing

/// Listing and reading the files of one registry revision, on disk or compiled in, without ever leaving it.
@Suite struct RegistryTreeTests {
    /// A folder registry with valid ids, invalid folder names and files that are not `<semver>.yaml`.
    private func populatedFolder() throws -> RegistryWorld {
        let world = try RegistryWorld()
        let registry = try RegistryFixture(at: world.path("tree"), name: "tree")
        for version in ["1.0.0", "1.10.0", "2.0.0-beta.1"] { try registry.agent("tool", version) }
        try registry.agent("other", "0.1.0")
        for stray in ["notes.txt", "latest.yaml", "1.0.yaml", "01.0.0.yaml", "v1.0.0.yaml", "1.0.0.yml", ".1.2.3.yaml"] {
            try registry.write("agents/tool/" + stray, "not read")
        }
        try registry.write("agents/Bad/1.0.0.yaml", "x")
        try registry.write("agents/.hidden/1.0.0.yaml", "x")
        try registry.provider("anthropic", "1.0.0")
        return world
    }

    private static let embeddedFiles: [String: [UInt8]] = [
        "registry.yaml": Array(ManifestText.registry(name: "emb").utf8),
        "agents/tool/1.0.0.yaml": Array(ManifestText.agent("tool", "1.0.0").utf8),
        "agents/tool/1.10.0.yaml": Array(ManifestText.agent("tool", "1.10.0").utf8),
        "agents/tool/2.0.0-beta.1.yaml": Array(ManifestText.agent("tool", "2.0.0-beta.1").utf8),
        "agents/tool/latest.yaml": [],
        "agents/tool/notes.txt": [],
        "agents/other/0.1.0.yaml": Array(ManifestText.agent("other", "0.1.0").utf8),
        "agents/Bad/1.0.0.yaml": [],
        "providers/anthropic/1.0.0.yaml": Array(ManifestText.provider("anthropic", "1.0.0").utf8),
    ]

    /// The same registry as a folder and compiled in; the world rides along so its folder outlives the loop.
    private func trees() throws -> [(RegistryTree, RegistryWorld?)] {
        let world = try populatedFolder()
        return [(world.tree("tree", label: world.path("tree")), world), (.embedded(Self.embeddedFiles, label: "emb:"), nil)]
    }

    @Test func idsAreTheValidFolderNamesSorted() throws {
        for (tree, _) in try trees() {
            #expect(tree.ids(of: .agent) == ["other", "tool"])
            #expect(tree.ids(of: .provider) == ["anthropic"])
            #expect(tree.ids(of: .hooks).isEmpty)
            #expect(tree.ids(of: .egg).isEmpty)
        }
    }

    @Test func versionsIgnoreNamesThatAreNotSemverYAML() throws {
        for (tree, _) in try trees() {
            let versions = tree.versions(of: .agent, id: "tool").sorted { $0.version < $1.version }
            #expect(versions.map(\.version.description) == ["1.0.0", "1.10.0", "2.0.0-beta.1"])
            #expect(versions.map(\.path) == ["agents/tool/1.0.0.yaml", "agents/tool/1.10.0.yaml", "agents/tool/2.0.0-beta.1.yaml"])
            #expect(tree.versions(of: .agent, id: "missing").isEmpty)
            #expect(tree.versions(of: .provider, id: "tool").isEmpty)
        }
    }

    @Test func manifestFilesListsEveryYAMLInKindOrder() throws {
        let tree = RegistryTree.embedded(Self.embeddedFiles, label: "emb:")
        #expect(tree.manifestFiles() == [
            "agents/Bad/1.0.0.yaml", "agents/other/0.1.0.yaml", "agents/tool/1.0.0.yaml", "agents/tool/1.10.0.yaml",
            "agents/tool/2.0.0-beta.1.yaml", "agents/tool/latest.yaml", "providers/anthropic/1.0.0.yaml",
        ])
    }

    @Test func readReturnsTheBytesOfAFile() throws {
        for (tree, _) in try trees() {
            #expect(try tree.read("agents/other/0.1.0.yaml") == Array(ManifestText.agent("other", "0.1.0").utf8))
            #expect(tree.exists("registry.yaml"))
            #expect(!tree.exists("agents/other/9.9.9.yaml"))
        }
    }

    @Test func displayJoinsLabelAndPath() {
        #expect(RegistryTree.embedded([:], label: "acme:").display("agents/x/1.0.0.yaml") == "acme:agents/x/1.0.0.yaml")
        #expect(RegistryTree.embedded([:], label: "/srv/reg").display("registry.yaml") == "/srv/reg/registry.yaml")
    }

    @Test(arguments: [
        ("../x", "the path must not contain '..', '.' or empty parts"),
        ("agents/../../etc/passwd", "the path must not contain '..', '.' or empty parts"),
        ("/etc/passwd", "the path must be relative"),
        ("", "the path must be relative"),
        ("./registry.yaml", "the path must not contain '..', '.' or empty parts"),
        ("agents//tool/1.0.0.yaml", "the path must not contain '..', '.' or empty parts"),
        ("agents\\..\\x", "the path contains a forbidden character"),
    ])
    func readRefusesPathsThatClimbOut(path: String, problem: String) throws {
        for (tree, _) in try trees() {
            let error = #expect(throws: RegistryError.self) { try tree.read(path) }
            #expect(error?.description == "\(tree.display(path)): refused: \(problem)")
        }
    }

    @Test func readRefusesASymlinkLeadingOutside() throws {
        let world = try populatedFolder()
        let registry = world.fixture("tree")
        let secret = try world.write("outside/secret.yaml", "token: hunter2\n")
        // A sibling whose name merely starts with the root's name is outside too.
        let sibling = try world.write("tree-sibling/1.0.0.yaml", ManifestText.agent("tool", "1.0.0"))
        try registry.symlink("agents/tool/3.0.0.yaml", to: secret)
        try registry.symlink("agents/escape", to: world.path("outside"))
        try registry.symlink("agents/relative/1.0.0.yaml", to: "../../../outside/secret.yaml")
        try registry.symlink("agents/tool/4.0.0.yaml", to: sibling)
        let tree = world.tree("tree")
        for (path, target) in [("agents/tool/3.0.0.yaml", secret), ("agents/escape/secret.yaml", secret),
                               ("agents/relative/1.0.0.yaml", secret), ("agents/tool/4.0.0.yaml", sibling)] {
            let error = #expect(throws: RegistryError.self, "\(path)") { try tree.read(path) }
            #expect(error?.description == "tree/\(path): refused: it is a symlink that leads outside the registry (to \(target))")
        }
    }

    @Test func readFollowsASymlinkInsideTheRoot() throws {
        let world = try populatedFolder()
        try world.fixture("tree").symlink("agents/tool/3.0.0.yaml", to: "1.0.0.yaml")
        try world.fixture("tree").symlink("agents/alias", to: world.path("tree/agents/other"))
        #expect(try world.tree("tree").read("agents/tool/3.0.0.yaml") == (try world.tree("tree").read("agents/tool/1.0.0.yaml")))
        #expect(try world.tree("tree").read("agents/alias/0.1.0.yaml") == (try world.tree("tree").read("agents/other/0.1.0.yaml")))
        #expect(world.tree("tree").versions(of: .agent, id: "tool").map(\.version.description).contains("3.0.0"))
    }

    /// The root itself may be reached through a symlink (e.g. `/tmp` → `/private/tmp`); files inside still read.
    @Test func rootReachedThroughASymlinkStillReads() throws {
        let world = try populatedFolder()
        try FileManager.default.createSymbolicLink(atPath: world.path("link-to-tree"), withDestinationPath: world.path("tree"))
        #expect(world.tree("link-to-tree").rootPath == world.path("tree"))
        #expect(try world.tree("link-to-tree").read("agents/other/0.1.0.yaml") == Array(ManifestText.agent("other", "0.1.0").utf8))
        #expect(world.tree("link-to-tree").ids(of: .agent) == ["other", "tool"])
    }

    @Test func missingFileIsAnIOErrorNamingIt() throws {
        for (tree, _) in try trees() {
            let error = #expect(throws: RegistryError.self) { try tree.read("agents/tool/9.0.0.yaml") }
            #expect(error?.description == "\(tree.display("agents/tool/9.0.0.yaml")): no such file")
        }
    }
}
