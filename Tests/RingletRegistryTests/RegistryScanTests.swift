import RingletCrypto
import RingletManifest
import RingletRegistry
import RingletTestSupport
import Testing

/// Loading a whole registry reports every problem with its place, and still loads everything else.
@Suite struct RegistryScanTests {
    /// A world with a clean registry at `reg`: agent `tool` 1.0.0 and 1.1.0, provider `anthropic` 1.0.0.
    private func registry() throws -> RegistryWorld {
        let world = try RegistryWorld()
        let fixture = try RegistryFixture(at: world.path("reg"), name: "reg")
        try fixture.agent("tool", "1.0.0")
        try fixture.agent("tool", "1.1.0")
        try fixture.provider("anthropic", "1.0.0")
        return world
    }

    @Test func cleanRegistryHasNoProblems() throws {
        let world = try registry()
        let scan = RegistryScan(world.tree("reg"))
        #expect(scan.problems == [])
        #expect(scan.metadata?.name == "reg")
        #expect(scan.manifests.map(\.path).sorted() == ["agents/tool/1.0.0.yaml", "agents/tool/1.1.0.yaml", "providers/anthropic/1.0.0.yaml"])
    }

    @Test func oneBrokenManifestIsReportedAndTheRestStillLoad() throws {
        let world = try registry()
        try world.fixture("reg").agent("tool", "1.2.0", extra: "network: api.example.com")
        let scan = RegistryScan(world.tree("reg"))
        #expect(scan.problems == ["reg/agents/tool/1.2.0.yaml:7:10: 'network' must be a list, found 'api.example.com'"])
        #expect(scan.manifests.map(\.path).sorted() == ["agents/tool/1.0.0.yaml", "agents/tool/1.1.0.yaml", "providers/anthropic/1.0.0.yaml"])
    }

    @Test(arguments: [
        ("agents/other/1.0.0.yaml", ManifestText.agent("tool", "1.0.0"),
         "reg/agents/other/1.0.0.yaml:3:5: id 'tool' does not match its folder 'other' (expected agents/tool/1.0.0.yaml)"),
        ("agents/tool/1.0.1.yaml", ManifestText.agent("tool", "1.0.0"),
         "reg/agents/tool/1.0.1.yaml:4:10: version '1.0.0' does not match its file name (expected agents/tool/1.0.0.yaml)"),
        ("agents/tool/latest.yaml", ManifestText.agent("tool", "1.0.0"),
         "reg/agents/tool/latest.yaml:4:10: version '1.0.0' does not match its file name (expected agents/tool/1.0.0.yaml)"),
        ("providers/tool/1.0.0.yaml", ManifestText.agent("tool", "1.0.0"),
         "reg/providers/tool/1.0.0.yaml:3:5: a manifest of kind 'agent' must live under agents/, not providers/"),
        ("agents/Bad/1.0.0.yaml", ManifestText.agent("bad", "1.0.0"),
         "reg/agents/Bad: id 'Bad' must start with a lower-case letter or digit"),
    ])
    func misfiledManifestIsReported(path: String, text: String, problem: String) throws {
        let world = try registry()
        try world.fixture("reg").write(path, text)
        let scan = RegistryScan(world.tree("reg"))
        #expect(scan.problems == [problem])
        #expect(scan.manifests.count == 3, "the well-filed manifests still load")
    }

    @Test func strayTopLevelEntriesAreReported() throws {
        let world = try registry()
        try world.fixture("reg").write("README.md", "# docs\n")
        try world.fixture("reg").write("agent/tool/1.0.0.yaml", ManifestText.agent("tool", "1.0.0"))
        try world.fixture("reg").write("index.yaml", "format: 1\n")
        try world.fixture("reg").write(".git/HEAD", "ref: refs/heads/main\n")
        let expected = "(expected registry.yaml, index.yaml, agents/, providers/, hooks/, eggs/)"
        #expect(RegistryScan(world.tree("reg")).problems == [
            "reg/README.md: not part of a registry \(expected)",
            "reg/agent: not part of a registry \(expected)",
        ])
    }

    @Test func missingOrBrokenRegistryYAMLIsReported() throws {
        let world = try registry()
        try world.fixture("reg").remove("registry.yaml")
        #expect(RegistryScan(world.tree("reg")).problems == ["reg/registry.yaml: no such file"])
        try world.fixture("reg").write("registry.yaml", "name: reg\nformat: 2\n")
        #expect(RegistryScan(world.tree("reg")).problems == ["reg/registry.yaml:2:9: registry format 2 is not supported (this ringlet reads format 1)"])
        try world.fixture("reg").write("registry.yaml", "name: Reg\nformat: 1\n")
        #expect(RegistryScan(world.tree("reg")).problems == ["reg/registry.yaml:1:7: registry name 'Reg' must start with a lower-case letter or digit"])
        try world.fixture("reg").write("registry.yaml", "name: reg\nformat: 1\ndescripton: x\n")
        #expect(RegistryScan(world.tree("reg")).problems == ["reg/registry.yaml:3:1: unknown key 'descripton' (did you mean 'description'?)"])
        #expect(RegistryScan(world.tree("reg")).manifests.count == 3)
    }

    /// A file in an id folder whose name is not `<version>.yaml` is "not a manifest"; its content is beside the point.
    @Test func nonYAMLFileInAnIDFolderIsNotAManifest() throws {
        let world = try registry()
        try world.fixture("reg").write("agents/tool/README.md", "Tool docs\n")
        #expect(RegistryScan(world.tree("reg")).problems == ["reg/agents/tool/README.md: not a manifest (expected <version>.yaml)"])
    }

    @Test func builtinRegistryScansClean() throws {
        let tree = try #require(OpenedRegistry.builtin(priority: 0).tree)
        let scan = RegistryScan(tree)
        #expect(scan.problems == [])
        #expect(scan.metadata?.name == "builtin")
        #expect(scan.manifests.contains { $0.path == "agents/claude/2.1.0.yaml" })
    }

    @Test func contentDigestIsStableUntilAByteChanges() throws {
        let world = try registry()
        let original = world.digest("reg")
        #expect(world.digest("reg") == original, "scanning twice gives the same digest")

        // A copy elsewhere with the same bytes has the same digest: paths are relative, not absolute.
        _ = try RegistryFixture.copy(of: world.path("reg"), to: world.path("copy"))
        #expect(world.digest("copy") == original)

        // Files that are not part of the content do not count.
        try world.fixture("reg").write("index.yaml", "format: 1\n")
        try world.fixture("reg").write("NOTES.txt", "scratch\n")
        #expect(world.digest("reg") == original)

        try world.fixture("reg").append("agents/tool/1.0.0.yaml", "# one more line\n")
        let afterManifestChange = world.digest("reg")
        #expect(afterManifestChange != original)

        try world.fixture("reg").append("registry.yaml", "# a comment\n")
        #expect(world.digest("reg") != afterManifestChange)
    }

    @Test func publishingANewVersionChangesTheDigest() throws {
        let world = try registry()
        let before = world.digest("reg")
        try world.fixture("reg").agent("tool", "1.2.0")
        #expect(world.digest("reg") != before)
    }
}
