import Foundation
import RingletTestSupport
import Testing

/// `ringlet registry add|list|show|remove` with folder registries, and how priority and qualified
/// references decide which registry a reference resolves from.
@Suite struct RegistryAddListRemoveTests {
    /// A workspace with folder registry `acme` (claude 9.0.0, foo 1.0.0, provider p1) ready to add.
    static func acme(in workspace: RingletWorkspace) throws -> RegistryFixture {
        let acme = try workspace.registry("acme", name: "acme")
        try acme.agent("claude", "9.0.0", binary: "claude9")
        try acme.agent("foo", "1.0.0")
        try acme.provider("p1", "1.0.0")
        return acme
    }

    @Test func folderRegistryIsAddedListedShownAndRemoved() throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)

        let added = try workspace.run("registry", "add", "acme", acme.path)
        expect(added, exit: Exit.ok, stdout: ["added registry 'acme' (dir \(acme.path), priority 50)", ": 3 manifests"])
        #expect(try String(contentsOfFile: workspace.registriesFile, encoding: .utf8).contains("name: acme"))
        #expect(!workspace.exists(workspace.cacheFolder(of: "acme")), "a folder registry is read in place, never cached")

        let list = try succeed(try workspace.run("registry", "list", "--json")).jsonArray()
        try #require(list.count == 2, "\(list)")
        #expect(list[0]["name"] as? String == "acme")
        #expect(list[0]["type"] as? String == "dir")
        #expect(list[0]["source"] as? String == acme.path)
        #expect(list[0]["priority"] as? Int == 50)
        #expect((list[0]["revision"] as? String)?.hasPrefix("sha256:") == true)
        #expect(list[0]["ref"] == nil)
        #expect(list[1]["name"] as? String == "builtin")
        #expect(list[1]["type"] as? String == "builtin")
        #expect(list[1]["priority"] as? Int == 0)

        let table = try workspace.run("registry", "list")
        expect(table, exit: Exit.ok, stdout: ["NAME", "PRIORITY", "acme", "dir", acme.path, "builtin"])

        let show = try succeed(try workspace.run("registry", "show", "acme", "--json")).jsonObject()
        #expect(show["name"] as? String == "acme")
        #expect(show["description"] as? String == "a registry made by a test")
        #expect((show["problems"] as? [Any])?.isEmpty == true)
        let manifests = try #require(show["manifests"] as? [[String: Any]])
        let summary = manifests.map { "\($0["kind"] as? String ?? "?") \($0["id"] as? String ?? "?") \($0["versions"] as? [String] ?? [])" }
        #expect(summary == ["agent claude [\"9.0.0\"]", "agent foo [\"1.0.0\"]", "provider p1 [\"1.0.0\"]"])
        let text = try workspace.run("registry", "show", "acme")
        expect(text, exit: Exit.ok, stdout: ["name:        acme", "type:        dir", "priority:    50"])
        #expect(text.stdout.split(separator: "\n").contains { $0.contains("claude") && $0.contains("9.0.0") }, "\(text)")

        expect(try workspace.run("registry", "remove", "acme"), exit: Exit.ok, stdout: ["removed registry 'acme'"])
        let after = try succeed(try workspace.run("registry", "list", "--json")).jsonArray()
        #expect(after.map { $0["name"] as? String } == ["builtin"])
        #expect(!(try String(contentsOfFile: workspace.registriesFile, encoding: .utf8)).contains("acme"))
        #expect(try workspace.resolvedAgent("claude") == Resolved("builtin", "2.1.0"))
        #expect(workspace.exists(acme.file("registry.yaml")), "removing a folder registry never deletes the folder")
    }

    struct PriorityCase: CustomTestStringConvertible, Sendable {
        var priority: String?
        var reference: String
        var expected: Resolved
        var testDescription: String { "priority \(priority ?? "default"): \(reference) -> \(expected)" }
    }

    @Test(arguments: [
        PriorityCase(priority: "60", reference: "claude", expected: Resolved("acme", "9.0.0")),
        PriorityCase(priority: nil, reference: "claude", expected: Resolved("acme", "9.0.0")),
        PriorityCase(priority: "-1", reference: "claude", expected: Resolved("builtin", "2.1.0")),
        // The first registry *with a matching version* wins: acme has no 2.x, so builtin answers.
        PriorityCase(priority: "60", reference: "claude@^2", expected: Resolved("builtin", "2.1.0")),
        PriorityCase(priority: "-1", reference: "claude@>=9", expected: Resolved("acme", "9.0.0")),
        // Qualified references search only the registry they name, whatever its priority.
        PriorityCase(priority: "-1", reference: "acme/claude", expected: Resolved("acme", "9.0.0")),
        PriorityCase(priority: "60", reference: "builtin/claude", expected: Resolved("builtin", "2.1.0")),
        PriorityCase(priority: "60", reference: "acme/claude@9.0.0", expected: Resolved("acme", "9.0.0")),
    ])
    func priorityDecidesWhichRegistryAnswers(_ test: PriorityCase) throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try succeed(try workspace.run(["registry", "add", "acme", acme.path] + (test.priority.map { ["--priority", $0] } ?? [])))
        #expect(try workspace.resolvedAgent(test.reference) == test.expected)
    }

    @Test func listShowsTheWinnerAndAllShowsTheShadowed() throws {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("registry", "add", "acme", try Self.acme(in: workspace).path, "--priority", "60"))

        let rows = try succeed(try workspace.run("agents", "list", "--json")).jsonArray()
        let claude = rows.filter { $0["id"] as? String == "claude" }
        #expect(claude.count == 1)
        #expect(claude.first?["registry"] as? String == "acme")
        #expect(claude.first?["version"] as? String == "9.0.0")

        let all = try succeed(try workspace.run("agents", "list", "--json", "--all")).jsonArray()
        let versions = all.filter { $0["id"] as? String == "claude" }
            .map { "\($0["registry"] as? String ?? "?") \($0["version"] as? String ?? "?") \($0["resolves"] as? Bool ?? false)" }
        #expect(versions == ["acme 9.0.0 true", "builtin 2.1.0 false"])
    }

    @Test(arguments: [
        ("foo", "2.0.0"), ("foo@^1", "1.5.0"), ("foo@~1.0", "1.0.0"), ("foo@1.0.0 || 2.0.0", "2.0.0"), ("foo@<1.5.0", "1.0.0"),
    ])
    func highestMatchingVersionOfTheFirstMatchingRegistryWins(reference: String, version: String) throws {
        let workspace = try RingletWorkspace()
        let high = try workspace.registry("high")
        for version in ["1.0.0", "1.5.0", "2.0.0"] { try high.agent("foo", version) }
        // Lower priority, with versions that would be "better" matches: never consulted while `high` matches.
        let low = try workspace.registry("low")
        for version in ["1.9.0", "1.0.9", "3.0.0"] { try low.agent("foo", version) }
        try succeed(try workspace.run("registry", "add", "high", high.path, "--priority", "70"))
        try succeed(try workspace.run("registry", "add", "low", low.path, "--priority", "60"))
        #expect(try workspace.resolvedAgent(reference) == Resolved("high", version))
    }

    @Test(arguments: [
        ("acme/claude@^2", Exit.failure, "no version of agent 'acme/claude@^2' matches; available: 9.0.0 (acme)"),
        ("nope/claude", Exit.failure, "no registry named 'nope'"),
        ("claud", Exit.failure, "no agent 'claud' in any registry (did you mean 'claude'?)"),
        ("claude@", Exit.usage, "invalid reference 'claude@': nothing follows '@'"),
        ("Acme/claude", Exit.usage, "invalid reference 'Acme/claude'"),
    ])
    func unresolvableReferencesSayWhy(reference: String, status: Int32, message: String) throws {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("registry", "add", "acme", try Self.acme(in: workspace).path))
        let result = try workspace.run("agents", "inspect", reference)
        expect(result, exit: status, stderr: ["error: " + message])
        #expect(result.stdout.isEmpty)
    }

    @Test func equalPrioritiesAreSearchedByName() throws {
        let workspace = try RingletWorkspace()
        for name in ["zeta", "alpha"] {
            let registry = try workspace.registry(name)
            try registry.agent("foo", name == "zeta" ? "9.0.0" : "1.0.0")
            try succeed(try workspace.run("registry", "add", name, registry.path))
        }
        let names = try succeed(try workspace.run("registry", "list", "--json")).jsonArray().compactMap { $0["name"] as? String }
        #expect(names == ["alpha", "zeta", "builtin"])
        #expect(try workspace.resolvedAgent("foo") == Resolved("alpha", "1.0.0"))
    }

    @Test func aRelativeOrSymlinkedFolderIsStoredAsItsRealPath() throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try FileManager.default.createSymbolicLink(atPath: workspace.path("link"), withDestinationPath: acme.path)
        try succeed(try workspace.run("registry", "add", "by-link", "link"))
        try succeed(try workspace.run("registry", "add", "relative", "./acme/", in: workspace.path("")))
        let sources = try succeed(try workspace.run("registry", "list", "--json")).jsonArray().compactMap { $0["source"] as? String }
        #expect(sources == [acme.path, acme.path, "builtin"])
        // Stored absolute, so it resolves from any working directory.
        #expect(try workspace.ringlet.run(["agents", "inspect", "relative/foo"], in: "/").status == Exit.ok)
    }

    @Test func aFolderRegistryThatDisappearedIsReportedAsMissing() throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try succeed(try workspace.run("registry", "add", "acme", acme.path))
        try FileManager.default.moveItem(atPath: acme.path, toPath: workspace.path("moved"))

        expect(try workspace.run("agents", "inspect", "acme/foo"), exit: Exit.failure,
               stderr: ["error: registry 'acme': its folder \(acme.path) is missing; restore it or `ringlet registry remove acme`"])
        expect(try workspace.run("agents", "list"), exit: Exit.ok,
               stderr: ["warning: skipped: registry 'acme': its folder \(acme.path) is missing"], stdout: ["claude", "builtin"])
        #expect(try workspace.resolvedAgent("claude") == Resolved("builtin", "2.1.0"))
        expect(try workspace.run("registry", "show", "acme"), exit: Exit.failure, stderr: ["its folder \(acme.path) is missing"])
        expect(try workspace.run("registry", "list"), exit: Exit.ok, stdout: ["(folder missing)"])
    }

    @Test(arguments: [
        ("registries:\n  - name: acme\n    type: dir\n    sorce: /x\n", "registries.yaml:4:5: unknown key 'sorce' (did you mean 'source'?)"),
        ("registries:\n  - name: acme\n    type: svn\n    source: /x\n", "registries.yaml:3:11: unknown registry type 'svn' (expected dir, git or http)"),
        ("registries:\n  - {name: a, type: dir, source: /x}\n  - {name: a, type: dir, source: /y}\n", "registries.yaml:3:12: registry 'a' is listed twice"),
        ("registries:\n  - name: ../up\n    type: dir\n    source: /x\n", "registries.yaml:2:11: "),
        ("registries: [\n", "registries.yaml:2:1: "),
    ])
    func aBrokenRegistriesFileIsABadInputAndIsNeverOverwritten(text: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try RegistryFixture(existing: workspace.home).write("config/registries.yaml", text)
        for arguments in [["registry", "list"], ["agents", "list"], ["agents", "inspect", "claude"], ["registry", "add", "acme2", acme.path],
                          ["registry", "remove", "acme"]] {
            expect(try workspace.run(arguments), exit: Exit.usage, stderr: ["error: \(workspace.registriesFile.replacingOccurrences(of: "registries.yaml", with: ""))\(message)"])
        }
        #expect(try String(contentsOfFile: workspace.registriesFile, encoding: .utf8) == text)
    }

    @Test func aDuplicateNameIsRefusedAndChangesNothing() throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try succeed(try workspace.run("registry", "add", "acme", acme.path, "--priority", "60"))
        let before = workspace.registriesSnapshot

        let other = try workspace.registry("other")
        expect(try workspace.run("registry", "add", "acme", other.path), exit: Exit.usage,
               stderr: ["error: a registry named 'acme' already exists; remove it first or pick another name"])
        #expect(workspace.registriesSnapshot == before)
        #expect(try workspace.resolvedAgent("claude") == Resolved("acme", "9.0.0"))
    }

    @Test(arguments: [
        ("../x", "invalid registry name '../x'"),
        ("Bad", "invalid registry name 'Bad'"),
        ("builtin", "invalid registry name 'builtin': 'builtin' is the built-in registry's name"),
        ("a/b", "invalid registry name 'a/b'"),
        ("-x", "invalid registry name '-x'"),
        ("x y", "invalid registry name 'x y'"),
    ])
    func invalidNamesAreRefusedAndChangeNothing(name: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let acme = try Self.acme(in: workspace)
        try succeed(try workspace.run("registry", "add", "first", acme.path))
        let before = try #require(workspace.registriesSnapshot)

        expect(try workspace.run("registry", "add", "--", name, acme.path), exit: Exit.usage, stderr: ["error: " + message])
        #expect(workspace.registriesSnapshot == before)
        #expect(!workspace.exists(workspace.home + "/cache"), "nothing may be cached for a refused name")
    }

    @Test(arguments: [
        (["no-such-folder"], "cannot use 'no-such-folder' as a registry: no such folder"),
        (["empty"], "cannot use 'empty' as a registry: the folder has no registry.yaml"),
        (["acme", "--ref", "main"], "cannot use 'acme' as a registry: --ref applies to git registries only"),
        (["acme", "--type", "svn"], "--type must be dir, git or http, not 'svn'"),
        (["acme", "--type", "http"], "cannot use 'acme' as a registry: an HTTP registry needs an http:// or https:// URL"),
        (["acme", "--priority", "high"], "--priority expects a whole number, got 'high'"),
    ])
    func badSourcesAreUsageErrors(arguments: [String], message: String) throws {
        let workspace = try RingletWorkspace()
        _ = try Self.acme(in: workspace)
        try workspace.folder("empty")
        let result = try workspace.run(["registry", "add", "new"] + arguments)
        expect(result, exit: Exit.usage, stderr: ["error: " + message])
        #expect(workspace.registriesSnapshot == nil, "a refused add must not create registries.yaml")
    }

    @Test func theBuiltinRegistryCannotBeRemovedAndUnknownNamesAreNamed() throws {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("registry", "add", "acme", try Self.acme(in: workspace).path))
        let before = workspace.registriesSnapshot

        expect(try workspace.run("registry", "remove", "builtin"), exit: Exit.usage,
               stderr: ["error: the built-in registry is part of ringlet and cannot be changed or removed"])
        expect(try workspace.run("registry", "remove", "nope"), exit: Exit.failure,
               stderr: ["error: no registry named 'nope' (configured: builtin, acme)"])
        #expect(workspace.registriesSnapshot == before)
        #expect(try workspace.resolvedAgent("builtin/claude") == Resolved("builtin", "2.1.0"))
    }
}
