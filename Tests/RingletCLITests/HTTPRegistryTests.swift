import Foundation
import RingletTestSupport
import Testing

/// HTTP registries served by a real HTTP server: fetched with their index, every file checked against
/// the index's sha256 before the revision is switched in.
@Suite struct HTTPRegistryTests {
    /// A registry folder `site` (agent foo 1.0.0, provider bar 1.0.0) with a freshly generated index.yaml.
    static func published(in workspace: RingletWorkspace) throws -> RegistryFixture {
        let site = try workspace.registry("site", name: "web")
        try site.agent("foo", "1.0.0")
        try site.provider("bar", "1.0.0")
        expect(try workspace.run("registry", "index", site.path), exit: Exit.ok, stdout: ["wrote \(site.path)/index.yaml (2 manifests)"])
        return site
    }

    @Test func addFetchesEveryFileAndPinsTheIndexDigest() throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }
        let revision = "sha256:" + (try SHA256Sum.of(file: site.file("index.yaml")))

        let added = try workspace.run("registry", "add", "web", server.baseURL)
        expect(added, exit: Exit.ok, stderr: ["fetching web from \(server.baseURL) …", "fetching 1/3 registry.yaml", "fetching 3/3 providers/bar/1.0.0.yaml"],
               stdout: ["added registry 'web' (http \(server.baseURL), priority 50) at revision \(revision): 2 manifests"])
        let entry = try #require(try succeed(try workspace.run("registry", "list", "--json")).jsonArray().first)
        #expect(entry["type"] as? String == "http")
        #expect(entry["source"] as? String == server.baseURL)
        #expect(entry["revision"] as? String == revision)
        #expect(workspace.currentRevisionLink(of: "web") == "revisions/" + revision.replacingOccurrences(of: ":", with: "-"))
        #expect(!workspace.exists(workspace.cacheFolder(of: "web") + "/mirror.git"))
        #expect(try workspace.resolvedAgent("web/foo") == Resolved("web", "1.0.0"))
        expect(try workspace.run("providers", "inspect", "web/bar"), exit: Exit.ok, stdout: ["provider bar 1.0.0", "api.example.com"])

        // A URL without the trailing slash names the same folder.
        let trimmed = String(server.baseURL.dropLast())
        expect(try workspace.run("registry", "add", "web2", trimmed), exit: Exit.ok, stdout: ["(http \(server.baseURL), priority 50)"])

        // The content is cached: with the server gone it still resolves, and an update fails without harm.
        server.stop()
        #expect(try workspace.resolvedAgent("web/foo", "--offline") == Resolved("web", "1.0.0"))
        let update = try workspace.run("registry", "update", "web")
        expect(update, exit: Exit.failure, stderr: ["error: cannot fetch registry 'web': cannot connect to 127.0.0.1:\(server.port)",
                                                    "; web stays at \(revision.prefix(19))"])
        #expect(try succeed(try workspace.run("registry", "list", "--json")).jsonArray().first?["revision"] as? String == revision)
    }

    @Test func aManifestThatNoLongerMatchesTheIndexFailsTheUpdateAndKeepsThePreviousRevision() throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }
        try succeed(try workspace.run("registry", "add", "web", server.baseURL))
        let before = try #require(workspace.currentRevisionLink(of: "web"))

        // Publish 1.1.0 with a new index, then change its bytes after indexing.
        try site.agent("foo", "1.1.0")
        try succeed(try workspace.run("registry", "index", site.path))
        let indexed = try SHA256Sum.of(file: site.file("agents/foo/1.1.0.yaml"))
        try site.append("agents/foo/1.1.0.yaml", "# changed after publishing\n")
        let served = try SHA256Sum.of(file: site.file("agents/foo/1.1.0.yaml"))

        let update = try workspace.run("registry", "update", "web")
        expect(update, exit: Exit.failure, stderr: [
            "error: registry 'web': agents/foo/1.1.0.yaml has sha256 \(served) but index.yaml says \(indexed); nothing was changed",
        ])
        #expect(workspace.currentRevisionLink(of: "web") == before)
        #expect(workspace.cachedRevisions(of: "web") == [String(before.dropFirst("revisions/".count))],
                "a failed fetch leaves no half-written revision behind")
        #expect(try workspace.resolvedAgent("web/foo") == Resolved("web", "1.0.0"))
        #expect(try workspace.resolvedAgent("foo") == Resolved("web", "1.0.0"))
    }

    @Test func aTamperedRegistryIsNeverAdded() throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        try site.write("agents/foo/1.0.0.yaml", ManifestText.agent("foo", "1.0.0", binary: "evil"))
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }

        let result = try workspace.run("registry", "add", "web", server.baseURL)
        expect(result, exit: Exit.failure, stderr: ["error: registry 'web': agents/foo/1.0.0.yaml has sha256 ", "but index.yaml says "])
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "web")))
    }

    /// The index names files by kind, id and version; none of them may lead out of the registry.
    @Test(arguments: [
        ("id: foo", "id: \"../foo\"", "id '../foo' must start with a lower-case letter or digit"),
        ("id: foo", "id: \"foo/../../../etc\"", "foo/../../../etc"),
        ("version: \"1.0.0\"", "version: \"1.0.0/../../../x\"", "index.yaml:"),
        ("kind: agent", "kind: \"../agent\"", "unknown kind '../agent'"),
    ])
    func anIndexThatClimbsOutIsRefused(original: String, replacement: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        let index = try site.read("index.yaml")
        try #require(index.contains(original))
        try site.write("index.yaml", index.replacingOccurrences(of: original, with: replacement))
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }

        let result = try workspace.run("registry", "add", "web", server.baseURL)
        expect(result, exit: Exit.failure, stderr: ["error: cannot fetch registry 'web': its index is invalid: \(server.baseURL)index.yaml:", message])
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "web")))
        #expect(!workspace.exists(workspace.home + "/cache/registries/etc") && !workspace.exists(workspace.home + "/x"))
    }

    enum Breakage: String, CaseIterable, Sendable {
        case noIndex, listedFileMissing, indexNotYAML, registryYAMLChanged
    }

    @Test(arguments: Breakage.allCases)
    func aBrokenPublicationIsAClearErrorAndAddsNothing(_ breakage: Breakage) throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }
        let expected: String
        switch breakage {
        case .noIndex:
            try site.remove("index.yaml")
            expected = "error: cannot fetch registry 'web': \(server.baseURL)index.yaml answered 404"
        case .listedFileMissing:
            try site.remove("agents/foo/1.0.0.yaml")
            expected = "error: cannot fetch registry 'web': \(server.baseURL)agents/foo/1.0.0.yaml answered 404"
        case .indexNotYAML:
            try site.write("index.yaml", "<html>not an index</html>\n")
            expected = "error: cannot fetch registry 'web': its index is invalid: \(server.baseURL)index.yaml:1:1:"
        case .registryYAMLChanged:
            try site.write("registry.yaml", ManifestText.registry(name: "web", description: "edited after indexing"))
            expected = "error: registry 'web': registry.yaml has sha256 "
        }

        let result = try workspace.run("registry", "add", "web", server.baseURL)
        expect(result, exit: Exit.failure, stderr: [expected])
        #expect(result.stdout.isEmpty)
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "web")))
    }

    @Test func anUnreachableServerAddsNothing() throws {
        let workspace = try RingletWorkspace()
        let port = try UnusedPort.make()
        let url = "http://127.0.0.1:\(port)/"

        let result = try workspace.run("registry", "add", "dead", url)
        expect(result, exit: Exit.failure, stderr: ["error: cannot fetch registry 'dead': cannot connect to 127.0.0.1:\(port) (connection refused)"])
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "dead")))
        #expect(try succeed(try workspace.run("registry", "list", "--json")).jsonArray().count == 1)
    }

    @Test func offlineAddOfAnURLIsRefusedWithoutConnecting() throws {
        let workspace = try RingletWorkspace()
        let site = try Self.published(in: workspace)
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }
        let result = try workspace.run("registry", "add", "web", server.baseURL, "--offline")
        expect(result, exit: Exit.failure, stderr: ["error: registry 'web' needs the network, and --offline forbids fetching"])
        #expect(!result.stderr.contains("fetching web from"), "nothing is fetched")
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "web")))
    }
}
