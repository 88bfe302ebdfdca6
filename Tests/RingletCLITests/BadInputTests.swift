import Foundation
import RingletTestSupport
import Testing

/// Broken registries: every problem reported as `path:line:col: message`, good manifests still usable,
/// symlinks out of a registry never read, and indexes refused or flagged when they would lie.
@Suite struct BadInputTests {
    static let fixtures = Repository.fixtures

    /// `work/reg`: a copy of Fixtures/broken-registry plus `agents/evil/1.0.0.yaml` -> /etc/passwd.
    static func brokenRegistry(in workspace: RingletWorkspace) throws -> RegistryFixture {
        let registry = try RegistryFixture.copy(of: fixtures + "/broken-registry", to: workspace.path("reg"))
        try registry.symlink("agents/evil/1.0.0.yaml", to: "/etc/passwd")
        return registry
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
    }

    @Test func lintReportsEveryProblemWithItsLocation() throws {
        let workspace = try RingletWorkspace()
        _ = try Self.brokenRegistry(in: workspace)
        let golden = try Self.golden("broken-registry.lint.golden")

        let result = try workspace.run("registry", "lint", "reg")
        #expect(result.status == Exit.failure, "\(result)")
        #expect(result.stderr == golden)
        #expect(result.stdout == "8 problem(s) in reg\n")

        let json = try workspace.run("registry", "lint", "reg", "--json")
        #expect(json.status == Exit.failure)
        let report = try json.jsonObject()
        #expect(report["manifests"] as? Int == 2)
        #expect(report["problems"] as? [String] == golden.split(separator: "\n").map(String.init))
    }

    @Test func brokenManifestsDoNotHideTheGoodOnes() throws {
        let workspace = try RingletWorkspace()
        let registry = try Self.brokenRegistry(in: workspace)

        let added = try workspace.run("registry", "add", "broken", registry.path)
        expect(added, exit: Exit.ok, stderr: ["warning: \(registry.path)/agents/foo/1.0.0.yaml:7:3: unknown key 'instal_hint' (did you mean 'install_hint'?)"],
               stdout: [": 2 manifests"])

        let agents = try workspace.run("agents", "list", "--json")
        #expect(agents.status == Exit.ok, "\(agents)")
        let fromBroken = try agents.jsonArray().filter { $0["registry"] as? String == "broken" }.compactMap { $0["id"] as? String }
        #expect(fromBroken == ["good"])
        #expect(agents.stderr.contains("\(registry.path)/agents/baz/1.0.0.yaml:4:10: version '1.0.1' does not match its file name"))
        let providers = try succeed(try workspace.run("providers", "list", "--json")).jsonArray()
        #expect(providers.contains { $0["id"] as? String == "good-provider" && $0["registry"] as? String == "broken" })

        expect(try workspace.run("agents", "inspect", "broken/good"), exit: Exit.ok, stdout: ["agent good 1.0.0 — Good"])
        // Every matching version is broken: the breakage itself is the error.
        expect(try workspace.run("agents", "inspect", "broken/foo"), exit: Exit.failure, stderr: [
            "error: \(registry.path)/agents/foo/1.0.0.yaml:7:3: unknown key 'instal_hint' (did you mean 'install_hint'?)",
        ])
        let show = try workspace.run("registry", "show", "broken", "--json")
        #expect(show.status == Exit.failure, "a registry with problems shows them and fails")
        #expect((try show.jsonObject()["problems"] as? [String])?.count == 8)
    }

    @Test func aSymlinkOutOfTheRegistryIsRefusedAndNeverRead() throws {
        let workspace = try RingletWorkspace()
        let registry = try Self.brokenRegistry(in: workspace)
        try succeed(try workspace.run("registry", "add", "broken", registry.path))

        for arguments in [["agents", "inspect", "broken/evil", "--json"], ["agents", "inspect", "evil"], ["registry", "show", "broken"]] {
            let result = try workspace.run(arguments)
            expect(result, exit: Exit.failure, stderr: ["agents/evil/1.0.0.yaml: refused: it is a symlink that leads outside the registry (to /etc/passwd)"])
            #expect(!result.stdout.contains("root:") && !result.stderr.contains("root:"), "\(result)")
        }
    }

    @Test func indexRefusesABrokenRegistry() throws {
        let workspace = try RingletWorkspace()
        let registry = try Self.brokenRegistry(in: workspace)
        let result = try workspace.run("registry", "index", "reg")
        expect(result, exit: Exit.failure, stderr: [
            "error: cannot index a registry with problems: reg/agents/bar/1.0.0.yaml:3:5: id 'baz' does not match its folder 'bar'",
            "(and 7 more; see `ringlet registry lint`)",
        ])
        #expect(!workspace.exists(registry.file("index.yaml")))
    }

    enum Staleness: String, CaseIterable, Sendable {
        case fresh, missing, newManifest, changedBytes, removedManifest, changedRegistryYAML
    }

    @Test(arguments: Staleness.allCases)
    func indexCheckAndLintDetectAStaleIndex(_ staleness: Staleness) throws {
        let workspace = try RingletWorkspace()
        let registry = try workspace.registry("reg")
        try registry.agent("foo", "1.0.0")
        try registry.provider("bar", "1.0.0")
        try succeed(try workspace.run("registry", "index", "reg"))
        let index = try registry.read("index.yaml")
        var lintProblem: String?
        switch staleness {
        case .fresh:
            break
        case .missing:
            try registry.remove("index.yaml")
        case .newManifest:
            try registry.agent("foo", "1.1.0")
            lintProblem = "reg/index.yaml: does not list agents/foo/1.1.0.yaml; run `ringlet registry index`"
        case .changedBytes:
            try registry.append("agents/foo/1.0.0.yaml", "# edited\n")
            lintProblem = "reg/index.yaml: sha256 of agents/foo/1.0.0.yaml does not match (index "
        case .removedManifest:
            try registry.remove("providers/bar/1.0.0.yaml")
            lintProblem = "reg/index.yaml: lists providers/bar/1.0.0.yaml, which does not exist"
        case .changedRegistryYAML:
            try registry.write("registry.yaml", ManifestText.registry(name: "reg", description: "edited after indexing"))
            lintProblem = "reg/index.yaml: registry_sha256 does not match registry.yaml; run `ringlet registry index`"
        }

        let check = try workspace.run("registry", "index", "reg", "--check")
        if staleness == .fresh {
            expect(check, exit: Exit.ok, stdout: ["reg/index.yaml is up to date (2 manifests)"])
        } else {
            expect(check, exit: Exit.failure, stderr: ["reg/index.yaml is out of date; run `ringlet registry index reg`"])
        }
        if staleness != .missing {
            #expect(try registry.read("index.yaml") == index, "--check never writes")
        }

        let lint = try workspace.run("registry", "lint", "reg")
        if let lintProblem {
            expect(lint, exit: Exit.failure, stderr: [lintProblem])
        } else {
            expect(lint, exit: Exit.ok, stdout: ["ok: 2 manifests"])
        }
    }

    @Test(arguments: [
        ("bomb", "reg/agents/bomb/1.0.0.yaml:11:45: document expands to more than 100000 nodes (aliases included)"),
        ("big", "larger than the 1048576-byte limit for a registry file"),
        ("deep", "reg/agents/deep/1.0.0.yaml:7:73: nesting deeper than 64 levels"),
        ("dup", "reg/agents/dup/1.0.0.yaml:7:1: duplicate key 'id' (first defined on line 3)"),
    ])
    func hostileManifestsAreRefusedWithoutHangingOrCrashing(id: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let registry = try workspace.registry("reg")
        try registry.agent("good", "1.0.0")
        let header = ManifestText.agent(id, "1.0.0")
        let text: String
        switch id {
        case "bomb":
            var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            for level in 1 ..< 10 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
            text = header.replacingOccurrences(of: "binary:\n  name: bomb\n", with: "binary:\n  name: bomb\n" + lines.joined(separator: "\n") + "\nnetwork: *a9\n")
        case "big": text = header + String(repeating: "# padding\n", count: 120_000)
        case "deep": text = header + "network: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        default: text = header + "id: \(id)\n"
        }
        try registry.agent(id, "1.0.0", text: text)

        let lint = try workspace.run("registry", "lint", "reg")
        expect(lint, exit: Exit.failure, stderr: [message], stdout: ["1 problem(s) in reg"])
        try succeed(try workspace.run("registry", "add", "reg", registry.path))
        expect(try workspace.run("agents", "inspect", "good"), exit: Exit.ok)
        expect(try workspace.run("agents", "inspect", id), exit: Exit.failure, stderr: [message])
    }

    @Test(arguments: [
        ("name: reg\ndescription: d\nformat: 2\n", "registry.yaml:3:9: registry format 2 is not supported (this ringlet reads format 1)"),
        ("name: reg\ndescriptio: d\nformat: 1\n", "registry.yaml:2:1: unknown key 'descriptio' (did you mean 'description'?)"),
        ("name: Reg\nformat: 1\n", "registry.yaml:1:7: "),
        ("", "registry.yaml:1:1: registry.yaml is empty (expected name, description, format)"),
    ])
    func aBrokenRegistryYAMLIsNotAdded(text: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let registry = try workspace.registry("reg")
        try registry.agent("foo", "1.0.0")
        try registry.write("registry.yaml", text)
        expect(try workspace.run("registry", "add", "reg", registry.path), exit: Exit.failure, stderr: ["error: \(registry.path)/\(message)"])
        expect(try workspace.run("registry", "lint", "reg"), exit: Exit.failure, stderr: ["reg/\(message)"])
        #expect(workspace.registriesSnapshot == nil)
    }

    @Test func theRepositorysOwnRegistryLintsCleanAndItsIndexIsUpToDate() throws {
        let workspace = try RingletWorkspace()
        let registry = Repository.registry
        try #require(FileManager.default.fileExists(atPath: registry + "/registry.yaml"), "derived \(registry) from #filePath")

        let lint = try workspace.run("registry", "lint", registry)
        #expect(lint.status == Exit.ok, "\(lint)")
        #expect(lint.stderr.isEmpty)
        #expect(lint.stdout.hasPrefix("ok: "))
        expect(try workspace.run("registry", "index", registry, "--check"), exit: Exit.ok, stdout: ["\(registry)/index.yaml is up to date"])
    }
}
