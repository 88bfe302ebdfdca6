import Foundation
import RingletTestSupport
import Testing

/// `Examples/eggs/`: every example lints, and each makes the one decision it is there for.
/// Each is copied into a fresh repository, as a user would copy it into their project.
@Suite struct ExamplesEggTests {
    static let folder = Repository.root + "/Examples/eggs"
    static let examples = ["local-ollama/egg.yaml", "monorepo/egg.yaml", "monorepo/services/api/egg.yaml", "offline/egg.yaml",
                           "read-only-review/egg.yaml"]

    /// A repository `work/NAME` holding the example `name/egg.yaml` (and, for the monorepo, its
    /// nested files) at the same places; returns the repository's path.
    static func project(_ name: String, in workspace: RingletWorkspace) throws -> String {
        let repo = try workspace.repository(name)
        for example in examples where example.hasPrefix(name + "/") {
            let text = try String(contentsOfFile: folder + "/" + example, encoding: .utf8)
            try workspace.write(example, text)
        }
        return repo
    }

    @Test func everyExampleLints() throws {
        let found = FileManager.default.enumerator(atPath: Self.folder)?.compactMap { $0 as? String }.filter { $0.hasSuffix("egg.yaml") }.sorted()
        #expect(found == Self.examples, "Examples/eggs holds other egg.yaml files than this test knows")
        let workspace = try RingletWorkspace()
        for example in found ?? [] {
            let file = Self.folder + "/" + example
            let result = try workspace.run("egg", "lint", file)
            expect(result, exit: Exit.ok, stdout: ["ok: \(file) ("])
            #expect(result.stderr.isEmpty, "\(result)")
        }
    }

    @Test func readOnlyReviewReadsButCannotChangeTheWorkspace() throws {
        let workspace = try RingletWorkspace()
        let ws = try Self.project("read-only-review", in: workspace)
        let line = try Self.line("- deny-write:.", in: "read-only-review")
        let rule = "deny-write:\(ws) (project egg.yaml \(ws)/egg.yaml:\(line):5)"
        expect(try workspace.run("sandbox", "check", "src/main.swift", "--write", in: ws), exit: Exit.failure,
               stdout: ["denied: write \(ws)/src/main.swift (access: read)\n  decided by \(rule)\n"])
        expect(try workspace.run("sandbox", "check", "src/main.swift", "--read", in: ws), exit: Exit.ok, stdout: ["allowed: read"])
        // A grant from a later layer does not make it writable again.
        expect(try workspace.run("sandbox", "check", "src/main.swift", "--write", "--rw", "src", in: ws), exit: Exit.failure,
               stdout: ["  capped by \(rule)\n"])
    }

    @Test func offlineReachesOnlyTheLocalModel() throws {
        let workspace = try RingletWorkspace()
        let ws = try Self.project("offline", in: workspace)
        let local = ["--agent", "aider", "--provider", "ollama"]
        let explain = try workspace.run(["sandbox", "explain", "--json"] + local, in: ws)
        expect(explain, exit: Exit.ok)
        #expect((try explain.jsonObject()["network"] as? [[String: Any]])?.compactMap { $0["pattern"] as? String } == ["127.0.0.1:11434"])
        for host in ["pypi.org", "github.com", "registry.npmjs.org"] {
            expect(try workspace.run(["sandbox", "check-domain", host] + local, in: ws), exit: Exit.failure, stdout: ["denied: \(host):443"])
        }
        expect(try workspace.run(["sandbox", "check-domain", "127.0.0.1:11434"] + local, in: ws), exit: Exit.ok,
               stdout: ["allowed: 127.0.0.1:11434 by 127.0.0.1:11434 (provider ollama"])
        // As the file says: the provider's endpoints are always added.
        expect(try workspace.run("sandbox", "check-domain", "api.anthropic.com", "--agent", "aider", "--provider", "anthropic", in: ws),
               exit: Exit.ok, stdout: ["(provider anthropic"])
    }

    @Test func localOllamaIsReachableAtTheNamedAddressOnly() throws {
        let workspace = try RingletWorkspace()
        let ws = try Self.project("local-ollama", in: workspace)
        expect(try workspace.run("sandbox", "check-domain", "127.0.0.1:11434", "--provider", "anthropic", in: ws), exit: Exit.ok,
               stdout: ["allowed: 127.0.0.1:11434 by 127.0.0.1:11434 (project egg.yaml \(ws)/egg.yaml:"])
        for other in ["localhost:11434", "127.0.0.1:8080", "127.0.0.1"] {
            expect(try workspace.run("sandbox", "check-domain", other, in: ws), exit: Exit.failure, stdout: ["denied: "])
        }
    }

    @Test func monorepoSharesTheCacheAndNarrowsPerService() throws {
        let workspace = try RingletWorkspace()
        let repo = try Self.project("monorepo", in: workspace)
        let api = try workspace.folder("monorepo/services/api")
        let line = try Self.line("- rw:.cache", in: "monorepo")
        let root = "project egg.yaml \(repo)/egg.yaml:\(line):5"
        expect(try workspace.run("sandbox", "check", repo + "/.cache/npm/index", "--write", in: api), exit: Exit.ok,
               stdout: ["  decided by rw:\(repo)/.cache (\(root))\n"])
        expect(try workspace.run("sandbox", "check", repo + "/services/web/app.js", "--write", in: api), exit: Exit.failure,
               stdout: ["(access: read)"])
        expect(try workspace.run("sandbox", "check", "migrations/001.sql", "--write", in: api), exit: Exit.failure,
               stdout: ["decided by deny-write:\(api)/migrations (project egg.yaml \(api)/egg.yaml:"])
        expect(try workspace.run("sandbox", "check", repo + "/deploy/secrets/prod.env", in: api), exit: Exit.failure,
               stdout: ["(access: none)"])

        let policy = try succeed(try workspace.run("sandbox", "explain", "--json", in: api)).jsonObject()
        let labels = (policy["layers"] as? [[String: Any]])?.compactMap { $0["label"] as? String }
        #expect(labels == ["built-in defaults", repo + "/egg.yaml", api + "/egg.yaml"], "outermost first")
        let memory = (policy["resources"] as? [[String: Any]])?.first { $0["name"] as? String == "memory" }
        #expect(memory?["value"] as? String == "2G")
        #expect((memory?["origin"] as? String)?.hasPrefix("project egg.yaml \(api)/egg.yaml:") == true)
        #expect((memory?["alsoSet"] as? [String])?.first?.hasPrefix("8G by project egg.yaml \(repo)/egg.yaml:") == true)
    }

    /// The 1-based line of `needle` in the example `name/egg.yaml`.
    static func line(_ needle: String, in name: String) throws -> Int {
        let text = try String(contentsOfFile: folder + "/" + name + "/egg.yaml", encoding: .utf8)
        let position = try #require(PolicyText.position(of: needle, in: text))
        return Int(position.prefix { $0 != ":" }) ?? 0
    }
}
