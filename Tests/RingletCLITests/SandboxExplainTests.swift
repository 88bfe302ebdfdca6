import Foundation
import RingletTestSupport
import Testing

/// `ringlet sandbox explain`: the composed policy, every rule with the layer and `file:line` that
/// added it, and what narrowed, capped or lifted each rule that lost.
///
/// The text output is compared with golden files in `Fixtures/policy/`, with the test's temporary
/// paths replaced by placeholders (`<home>` is RINGLET_HOME, which is also HOME; `<ws>` the workspace;
/// `<repo>` the repository root; `<tmp>` the test's folder). To rewrite the golden files from the
/// current output, run the tests with `RINGLET_UPDATE_GOLDEN=1`, e.g.
/// `RINGLET_UPDATE_GOLDEN=1 swift test --skip-build --scratch-path .build-sbx --filter SandboxExplainTests`,
/// and review the diff before committing it.
@Suite struct SandboxExplainTests {
    /// A repository `work/repo` with an egg.yaml at its root, and the workspace `repo/pkg` with its own,
    /// plus a global egg.yaml: every kind of layer, each narrowing, capping or lifting something.
    struct Layered {
        static let global = """
        # Global layer: every project on this machine.
        network:
          - pypi.org
        env:
          - GOPATH
          - RUST_LOG=info
        resources:
          memory: 8G
          max_pids: 1024

        """
        static let root = """
        # Repository root: the outermost project layer.
        fs:
          - deny:pkg/secrets
          - deny-write:pkg/generated
          - rw:~/.ssh
          - ro:$HOME/.cache/shared
        network:
          - "*.example.com"
        env:
          - RUST_LOG=debug
        resources:
          memory: 4G
          cpu: 5m

        """
        static let nested = """
        # The package the agent works in: the innermost project layer.
        fs:
          - rw:secrets/public
          - rw:build
          - rw:~/.cache/shared
        allow-override:
          - rw:generated
        network:
          - registry.npmjs.org
        resources:
          max_fds: 4096

        """
        static let flags = ["--rw", "~/.cache/tool", "--deny", "build", "--allow-domain", "api.example.org:8443",
                            "--env", "FOO_TOKEN", "--env", "MODE=ci", "--memory", "2G"]

        let workspace: RingletWorkspace
        let repo: String
        let ws: String

        init() throws {
            workspace = try RingletWorkspace()
            repo = try workspace.repository("repo")
            ws = try workspace.folder("repo/pkg")
            try workspace.writeGlobalEgg(Self.global)
            try workspace.write("repo/egg.yaml", Self.root)
            try workspace.write("repo/pkg/egg.yaml", Self.nested)
        }

        func explain(_ extra: String...) throws -> ProcessResult {
            try workspace.run(["sandbox", "explain"] + Self.flags + extra, in: ws)
        }

        /// "project egg.yaml FILE:LINE:COL" of `needle` in the repository-root egg (`nested: false`) or the workspace's.
        func origin(_ needle: String, nested: Bool) -> String {
            let (file, text) = nested ? (ws + "/egg.yaml", Self.nested) : (repo + "/egg.yaml", Self.root)
            return "project egg.yaml \(file):\(PolicyText.position(of: needle, in: text) ?? "?")"
        }

        func globalOrigin(_ needle: String) -> String {
            "global egg.yaml \(workspace.globalEgg):\(PolicyText.position(of: needle, in: Self.global) ?? "?")"
        }
    }

    /// Runs `explain` and compares its normalised text with `Fixtures/policy/NAME.golden`.
    static func expectGolden(_ result: ProcessResult, _ name: String, placeholders: [(path: String, name: String)],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        expect(result, exit: Exit.ok, sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        let text = PolicyText.normalize(result.stdout, placeholders: placeholders)
        let mismatch = try GoldenFile.mismatch(text, file: Repository.fixtures + "/policy/\(name).golden")
        #expect(mismatch == nil, "\(mismatch ?? "")", sourceLocation: sourceLocation)
    }

    static func placeholders(_ workspace: RingletWorkspace, ws: String, repo: String? = nil) -> [(path: String, name: String)] {
        [(workspace.home, "<home>"), (ws, "<ws>"), (workspace.base, "<tmp>")] + (repo.map { [($0, "<repo>")] } ?? [])
    }

    @Test func anEmptyWorkspaceGetsTheBuiltInDefaults() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        try Self.expectGolden(try workspace.run("sandbox", "explain", in: ws), "explain-defaults",
                              placeholders: Self.placeholders(workspace, ws: ws))
    }

    @Test func anAgentAndProviderAddTheirDomainsFilesAndVariables() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        try Self.expectGolden(try workspace.run("sandbox", "explain", "--agent", "claude", "--provider", "anthropic", in: ws),
                              "explain-claude-anthropic", placeholders: Self.placeholders(workspace, ws: ws))
    }

    @Test func everyLayerInOrderWithWhatEachNarrowedCappedOrLifted() throws {
        let layered = try Layered()
        let result = try layered.explain()
        try Self.expectGolden(result, "explain-layered",
                              placeholders: Self.placeholders(layered.workspace, ws: layered.ws, repo: layered.repo))

        // The same facts, stated without the golden file: layers outermost first, and every loser names its winner.
        let layers = ["  2  global egg.yaml    \(layered.workspace.globalEgg)", "  3  project egg.yaml   \(layered.repo)/egg.yaml",
                      "  4  project egg.yaml   \(layered.ws)/egg.yaml", "  5  command line       command line"]
        let text = result.stdout
        let found = layers.map { text.range(of: $0 + "\n")?.lowerBound }
        #expect(found.allSatisfy { $0 != nil } && found == found.sorted { $0! < $1! }, "layers out of order:\n\(text)")
        for line in [
            "capped by deny:\(layered.ws)/build (command line --deny build); access here: none",
            "overridden by ro:\(layered.workspace.home)/.cache/shared (\(layered.origin("ro:$HOME", nested: false))); access here: read",
            "capped by deny:\(layered.ws)/secrets (\(layered.origin("deny:pkg/secrets", nested: false))); access here: none",
            "(to widen it, name the path under allow-override: in a later layer)",
            "lifted by rw:\(layered.ws)/generated (\(layered.origin("rw:generated", nested: true))); access here: read-write",
            "replaced RUST_LOG=info (\(layered.globalOrigin("RUST_LOG"))) by \(layered.origin("RUST_LOG", nested: false))",
            "narrowed from 8G by \(layered.globalOrigin("8G"))",
            "narrowed from 4G by \(layered.origin("4G", nested: false))",
            "! allow-override widens rw:\(layered.ws)/generated (\(layered.origin("rw:generated", nested: true))), lifting deny-write:\(layered.ws)/generated",
        ] {
            #expect(text.contains(line), "explain lacks \"\(line)\"\n\(text)")
        }
    }

    @Test func jsonHasEveryPartWithTheFileAndLineOfEachRule() throws {
        let layered = try Layered()
        let result = try layered.explain("--json")
        expect(result, exit: Exit.ok)
        let policy = try result.jsonObject()
        for key in ["title", "layers", "files", "network", "networkUnrestricted", "passThrough", "settings", "replacedSettings",
                    "resources", "warnings"] {
            #expect(policy[key] != nil, "--json lacks \(key): \(policy.keys.sorted())")
        }
        #expect(policy["title"] as? String == "workspace \(layered.ws)")
        let layers = try #require(policy["layers"] as? [[String: Any]])
        #expect(layers.map { $0["kind"] as? String } == ["built-in defaults", "global egg.yaml", "project egg.yaml", "project egg.yaml", "command line"])
        #expect(layers.map { $0["label"] as? String }.dropFirst(1).prefix(3) == [layered.workspace.globalEgg, layered.repo + "/egg.yaml", layered.ws + "/egg.yaml"])
        #expect(layers.map { $0["index"] as? Int } == [1, 2, 3, 4, 5])

        let files = try #require(policy["files"] as? [[String: Any]])
        func row(_ access: String, _ path: String, status: String? = nil) -> [String: Any]? {
            files.first { $0["access"] as? String == access && $0["path"] as? String == path && (status == nil || $0["status"] as? String == status) }
        }
        let capped = try #require(row("rw", layered.ws + "/secrets/public"))
        #expect(capped["status"] as? String == "capped")
        #expect(capped["origin"] as? String == layered.origin("rw:secrets/public", nested: true))
        #expect(capped["by"] as? String == "deny:\(layered.ws)/secrets (\(layered.origin("deny:pkg/secrets", nested: false)))")
        #expect(capped["written"] as? String == "secrets/public")
        #expect(capped["result"] as? String == "none")
        let narrowed = try #require(row("rw", layered.ws + "/build"))
        #expect(narrowed["status"] as? String == "capped", "a grant beaten at its own path by another layer's deny is capped")
        #expect(narrowed["by"] as? String == "deny:\(layered.ws)/build (command line --deny build)")
        #expect(row("deny-write", layered.ws + "/generated")?["status"] as? String == "lifted")
        #expect(row("rw", layered.ws + "/generated", status: "override")?["result"] as? String == "read-write")
        #expect(row("deny", layered.workspace.home + "/.ssh")?["protected"] as? Bool == true)
        #expect(row("rw", layered.workspace.home + "/.cache/tool")?["origin"] as? String == "command line --rw ~/.cache/tool")

        let network = try #require(policy["network"] as? [[String: String]])
        #expect(network.map { $0["pattern"] } == ["pypi.org", "*.example.com", "registry.npmjs.org", "api.example.org:8443"])
        #expect(network[1]["origin"] == layered.origin("\"*.example.com\"", nested: false))
        #expect(policy["networkUnrestricted"] as? Bool == false)

        let pass = try #require(policy["passThrough"] as? [[String: Any]])
        #expect(pass.first { $0["name"] as? String == "GOPATH" }?["origin"] as? String == layered.globalOrigin("GOPATH"))
        #expect(pass.first { $0["name"] as? String == "FOO_TOKEN" }?["origin"] as? String == "command line --env FOO_TOKEN")
        let settings = try #require(policy["settings"] as? [[String: Any]])
        #expect(settings.map { "\($0["name"] ?? "")=\($0["value"] ?? "")" } == ["RUST_LOG=debug", "MODE=ci"])
        let replaced = try #require((policy["replacedSettings"] as? [[String: Any]])?.first)
        #expect(replaced["value"] as? String == "info")
        #expect(replaced["replacedBy"] as? String == layered.origin("RUST_LOG", nested: false))

        let resources = try #require(policy["resources"] as? [[String: Any]])
        let memory = try #require(resources.first { $0["name"] as? String == "memory" })
        #expect(memory["value"] as? String == "2G")
        #expect(memory["origin"] as? String == "command line --memory 2G")
        #expect(memory["alsoSet"] as? [String] == ["8G by \(layered.globalOrigin("8G"))", "4G by \(layered.origin("4G", nested: false))"])
        #expect(resources.map { "\($0["name"] ?? ""):\($0["value"] ?? "")" } == ["cpu:5m", "memory:2G", "max_fds:4096", "max_pids:1024"])
        #expect(policy["warnings"] as? [String] == ["allow-override widens rw:\(layered.ws)/generated (\(layered.origin("rw:generated", nested: true))), lifting deny-write:\(layered.ws)/generated"])
    }

    @Test func aLiftedRuleNamesTheOverrideThatLiftedIt() throws {
        let layered = try Layered()
        let files = try #require(try layered.explain("--json").jsonObject()["files"] as? [[String: Any]])
        let lifted = try #require(files.first { $0["status"] as? String == "lifted" })
        #expect(lifted["path"] as? String == layered.ws + "/generated")
        #expect(lifted["by"] as? String == "rw:\(layered.ws)/generated (\(layered.origin("rw:generated", nested: true)))")
    }

    @Test func aLaterGrantAtAProtectedDenialShowsAsCappedByTheProtection() throws {
        let layered = try Layered()
        let files = try #require(try layered.explain("--json").jsonObject()["files"] as? [[String: Any]])
        let grant = try #require(files.first { $0["access"] as? String == "rw" && $0["path"] as? String == layered.workspace.home + "/.ssh" })
        #expect(grant["result"] as? String == "none")
        #expect(grant["by"] as? String == "deny:\(layered.workspace.home)/.ssh (built-in defaults)")
        // README: "a later layer's grant never lifts an earlier deny/deny-write (it shows in explain as *capped*)",
        // and a capped row says only --i-know-what-im-doing-allow lifts a built-in protection.
        #expect(grant["status"] as? String == "capped")
        #expect(grant["cappedByProtected"] as? Bool == true)
    }

    @Test func unrestrictedNetworkAndLiftedProtectionsAreFlagged() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        let egg = try workspace.write("ws/egg.yaml", "network:\n  - \"*\"\n")
        let result = try workspace.run(["sandbox", "explain", "--i-know-what-im-doing-allow", "~/.ssh"], in: ws)
        expect(result, exit: Exit.ok, stdout: [
            "\nWarnings\n",
            "  ! network \"*\" is unrestricted (project egg.yaml \(egg):2:5)\n",
            "  ! --i-know-what-im-doing-allow lifts rw:\(workspace.home)/.ssh (command line --i-know-what-im-doing-allow ~/.ssh), lifting deny:\(workspace.home)/.ssh",
            "  deny       \(workspace.home)/.ssh ",
            "built-in defaults, protected\n      lifted by rw:\(workspace.home)/.ssh (command line --i-know-what-im-doing-allow ~/.ssh); access here: read-write\n",
            "override (lifts protected rules); access here: read-write",
        ])
        let json = try succeed(try workspace.run(["sandbox", "explain", "--json", "--allow-domain", "*"], in: ws)).jsonObject()
        #expect(json["networkUnrestricted"] as? Bool == true)
        #expect(json["warnings"] as? [String] == ["network \"*\" is unrestricted (project egg.yaml \(egg):2:5)"],
                "the first origin of a duplicate entry is the one kept and flagged")

        let check = try workspace.run(["sandbox", "check", "~/.ssh/id_rsa", "--i-know-what-im-doing-allow", "~/.ssh"], in: ws)
        expect(check, exit: Exit.ok, stdout: ["allowed: read \(workspace.home)/.ssh/id_rsa",
                                              "  lifted: deny:\(workspace.home)/.ssh (built-in defaults)"])
        expect(try workspace.run(["sandbox", "check", "~/.ssh/id_rsa"], in: ws), exit: Exit.failure, stdout: ["denied: read"])
    }

    @Test func anOverrideThatCannotLiftAProtectionIsNotReportedAsWidening() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        try workspace.write("ws/egg.yaml", "allow-override:\n  - rw:~/.ssh\n")
        let result = try workspace.run(["sandbox", "explain"], in: ws)
        expect(result, exit: Exit.ok, stdout: ["override; access here: none"])
        #expect(!result.stdout.contains("allow-override widens rw:\(workspace.home)/.ssh"), "\(result)")
    }
}
