import Foundation
import RingletTestSupport
import Testing

/// `ringlet egg init|lint`, and what a bad egg.yaml does to the `sandbox` commands: exit 2 with
/// `file:line:column: message`, and nothing composed or printed on stdout.
@Suite struct EggCommandTests {
    @Test func initWritesACommentedStarterThatLintsAndExplainPicksUp() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        let egg = ws + "/egg.yaml"
        expect(try workspace.run("egg", "init", in: ws), exit: Exit.ok,
               stdout: ["wrote \(egg); `ringlet sandbox explain` shows what it does"])
        let text = try String(contentsOfFile: egg, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count(where: { $0.hasPrefix("#") || $0.contains(" # ") }) >= 10, "a starter explains itself:\n\(text)")
        for section in ["fs:", "network:", "env:", "resources:", "# base:", "# allow-override:"] {
            #expect(lines.contains { $0.hasPrefix(section) }, "the starter lacks \(section):\n\(text)")
        }

        expect(try workspace.run("egg", "lint", in: ws), exit: Exit.ok, stdout: ["ok: \(egg) (1 rules)"])
        let position = try #require(PolicyText.position(of: "deny:.env", in: text))
        let explain = try workspace.run("sandbox", "explain", in: ws)
        expect(explain, exit: Exit.ok, stdout: ["  2  project egg.yaml   \(egg)\n", "project egg.yaml \(egg):\(position)\n"])
        expect(try workspace.run("sandbox", "check", ".env", in: ws), exit: Exit.failure,
               stdout: ["denied: read \(ws)/.env (access: none)\n  decided by deny:\(ws)/.env (project egg.yaml \(egg):\(position))"])
    }

    @Test func initRefusesToReplaceAnEggWithoutForce() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        let egg = try workspace.write("ws/egg.yaml", "network:\n  - pypi.org\n")
        let refused = try workspace.run("egg", "init", in: ws)
        expect(refused, exit: Exit.failure, stderr: ["error: \(egg) exists; edit it, or pass --force to replace it"])
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(try String(contentsOfFile: egg, encoding: .utf8) == "network:\n  - pypi.org\n")

        expect(try workspace.run("egg", "init", "--force", in: ws), exit: Exit.ok, stdout: ["wrote \(egg)"])
        #expect(try String(contentsOfFile: egg, encoding: .utf8).hasPrefix("# egg.yaml"))
    }

    /// The starter suggests `# base: ~/eggs/team.yaml`; uncommented, with that file there, it should lint.
    @Test func theStartersBaseExampleLintsOnceUncommented() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("proj")
        try TemporaryDirectory.write("fs:\n  - ro:data\n", to: workspace.home + "/eggs/team.yaml")
        try succeed(try workspace.run("egg", "init", in: ws))
        let egg = ws + "/egg.yaml"
        let starter = try String(contentsOfFile: egg, encoding: .utf8)
        let line = try #require(starter.split(separator: "\n").first { $0.hasPrefix("# base: ~/") }, "\(starter)")
        let base = String(line.dropFirst(2).prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)
        #expect(base == "base: ~/eggs/team.yaml")
        try TemporaryDirectory.write(starter.replacingOccurrences(of: String(line), with: base), to: egg)
        let lint = try workspace.run("egg", "lint", egg)
        expect(lint, exit: Exit.ok, stdout: ["ok: \(egg) (2 rules across a base chain of 2 files)"])
    }

    struct BadEgg: Sendable, CustomTestStringConvertible {
        var name: String, text: String
        /// What follows `error: FILE:` on stderr; `<dir>` is the egg's folder.
        var message: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        BadEgg(name: "unknown key", text: "fs:\n  - rw:build\nnetwrk:\n  - pypi.org\n",
               message: "3:1: unknown key 'netwrk' (did you mean 'network'?)"),
        BadEgg(name: "rule without a colon", text: "fs:\n  - rw/etc\n",
               message: "2:5: 'rw/etc' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        BadEgg(name: "quoted rule without a path", text: "fs:\n  - \"deny:\"\n", message: "2:5: 'deny:' names no path"),
        BadEgg(name: "relative escape", text: "fs:\n  - ro:../sibling\n",
               message: "2:5: relative path '../sibling' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
        BadEgg(name: "unset variable", text: "fs:\n  - rw:$UNSET_VAR/x\n", message: "2:5: $UNSET_VAR is not set, so '$UNSET_VAR/x' names no path"),
        BadEgg(name: "memory without a size", text: "resources:\n  memory: lots\n",
               message: "2:11: 'memory' must be a size like 512M or 4G, found 'lots'"),
        BadEgg(name: "zero cpu", text: "resources:\n  cpu: 0s\n",
               message: "2:8: 'cpu' must be a duration above zero like 500ms, 10s or 5m, found '0s'"),
        BadEgg(name: "contradiction", text: "fs:\n  - rw:cache\n  - ro:cache\n", message: "3:5: 'ro:cache' contradicts 'rw:cache' on line 2"),
        BadEgg(name: "override that narrows", text: "allow-override:\n  - deny:x\n",
               message: "2:5: allow-override widens access, so it takes rw:PATH or ro:PATH, not deny:"),
        BadEgg(name: "bad port", text: "network:\n  - \"pypi.org:99999\"\n", message: "2:5: network entry 'pypi.org:99999' has an invalid port"),
        BadEgg(name: "missing base", text: "# inherits\nbase: team.yaml\n", message: "2:7: base 'team.yaml' does not exist (<dir>/team.yaml)"),
    ])
    func aBadEggIsExit2WithItsLocationAndComposesNothing(_ bad: BadEgg) throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        let egg = try workspace.write("ws/egg.yaml", bad.text)
        let error = "error: \(egg):\(bad.message.replacingOccurrences(of: "<dir>", with: ws))\n"

        let lint = try workspace.run("egg", "lint", egg)
        expect(lint, exit: Exit.usage)
        #expect(lint.stderr == error, "\(lint)")
        #expect(lint.stdout.isEmpty, "\(lint)")
        for command in [["sandbox", "explain"], ["sandbox", "explain", "--json"], ["sandbox", "check", "."], ["sandbox", "check-domain", "pypi.org"]] {
            let result = try workspace.run(command, in: ws)
            expect(result, exit: Exit.usage)
            #expect(result.stderr == error, "\(result)")
            #expect(result.stdout.isEmpty, "nothing is composed from a bad egg.yaml\n\(result)")
        }
    }

    @Test func anUnquotedRuleWithoutAPathSaysWhichRule() throws {
        let workspace = try RingletWorkspace()
        let egg = try workspace.write("egg.yaml", "fs:\n  - deny:\n")
        let lint = try workspace.run("egg", "lint", egg)
        expect(lint, exit: Exit.usage, stderr: ["error: \(egg):2:5: "])
        #expect(lint.stdout.isEmpty, "\(lint)")
        // `- deny:` is YAML for a one-key mapping; the message should still be about the rule.
        #expect(lint.stderr.contains("deny"), "\(lint)")
    }

    @Test func aBaseCycleShowsTheChain() throws {
        let workspace = try RingletWorkspace()
        let a = try workspace.write("eggs/a.yaml", "base: b.yaml\nfs:\n  - ro:data\n")
        let b = try workspace.write("eggs/b.yaml", "base: c.yaml\n")
        let c = try workspace.write("eggs/c.yaml", "# closes the loop\nbase: ./a.yaml\n")
        let lint = try workspace.run("egg", "lint", a)
        expect(lint, exit: Exit.usage, stderr: ["egg.yaml base chain loops: \(a) -> \(b) -> \(c) -> \(a)\n"])
        #expect(lint.stdout.isEmpty, "\(lint)")
        #expect(lint.stderr.hasPrefix("error: \(c):2:7: "), "\(lint)")

        let ws = try workspace.repository("ws")
        try workspace.write("ws/egg.yaml", "base: \(a)\n")
        let explain = try workspace.run("sandbox", "explain", in: ws)
        expect(explain, exit: Exit.usage, stderr: ["\(a) -> \(b) -> \(c) -> \(a)"])
        #expect(explain.stdout.isEmpty, "\(explain)")
    }

    @Test func aBaseChainLintsWithItsLengthAndTooDeepAChainIsRefused() throws {
        let workspace = try RingletWorkspace()
        for index in 0 ... 10 {
            try workspace.write("deep/e\(index).yaml", "base: e\(index + 1).yaml\n")
        }
        try workspace.write("deep/e11.yaml", "fs:\n  - ro:data\n")
        expect(try workspace.run("egg", "lint", "deep/e2.yaml"), exit: Exit.ok,
               stdout: ["ok: \(workspace.path("deep/e2.yaml")) (1 rules across a base chain of 10 files)"])
        let deep = try workspace.run("egg", "lint", "deep/e0.yaml")
        let chain = (0 ... 10).map { workspace.path("deep/e\($0).yaml") }.joined(separator: " -> ")
        expect(deep, exit: Exit.usage, stderr: ["error: egg.yaml base chain is deeper than 10: \(chain)\n"])
        #expect(deep.stdout.isEmpty, "\(deep)")
    }

    @Test func aPathThatIsNotUTF8IsRefusedAtItsLine() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        // "caf\xE9" is Latin-1 for café: not UTF-8.
        let egg = try workspace.writeBytes("ws/egg.yaml", Array("fs:\n  - rw:build\n  - rw:caf".utf8) + [0xE9] + Array("/x\n".utf8))
        let lint = try workspace.run("egg", "lint", egg)
        expect(lint, exit: Exit.usage, stderr: ["error: \(egg):", "UTF-8"])
        #expect(lint.stdout.isEmpty, "\(lint)")
        let explain = try workspace.run("sandbox", "explain", in: ws)
        expect(explain, exit: Exit.usage, stderr: ["error: \(egg):", "UTF-8"])
        #expect(explain.stdout.isEmpty, "\(explain)")
        #expect(lint.stderr.hasPrefix("error: \(egg):3:"), "\(lint)")
    }

    @Test func lintWithoutAFileLooksForTheOneHere() throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.folder("plain")
        let missing = try workspace.run("egg", "lint", in: ws)
        expect(missing, exit: Exit.failure, stderr: ["error: \(ws)/egg.yaml: no such file"])
        #expect(missing.stdout.isEmpty)
        try workspace.write("plain/egg.yaml", "fs:\n  - ro:docs\nnetwork:\n  - pypi.org\nenv:\n  - GOPATH\n")
        expect(try workspace.run("egg", "lint", in: ws), exit: Exit.ok, stdout: ["ok: \(ws)/egg.yaml (3 rules)\n"])
    }

    @Test func anEnvironmentPatternIsAcceptedAsTheReadmeSays() throws {
        let workspace = try RingletWorkspace()
        let egg = try workspace.write("egg.yaml", "env:\n  - \"MYAPP_*\"\n")
        let lint = try workspace.run("egg", "lint", egg)
        // README: `env` (`NAME`, `PATTERN_*` or `NAME=value`); `--env MYAPP_*` is accepted on the command line.
        let elsewhere = try workspace.folder("elsewhere")
        expect(try workspace.run("sandbox", "explain", "--env", "MYAPP_*", in: elsewhere), exit: Exit.ok, stdout: ["pass MYAPP_*"])
        expect(lint, exit: Exit.ok, stdout: ["ok: \(egg)"])
    }
}
