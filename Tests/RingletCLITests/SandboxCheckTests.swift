import Foundation
import RingletTestSupport
import Testing

/// `ringlet sandbox check PATH --read|--write` and `ringlet sandbox check-domain HOST[:PORT]`: exit 0
/// when allowed, 1 when denied, 2 for a bad question, and always the rule that decided.
@Suite struct SandboxCheckTests {
    /// The repository `work/ws`: its egg.yaml tries to open `~/.ssh` twice (a grant and an override),
    /// denies `private`, allows `*.example.com`; `sshlink` is a symlink to `~/.ssh`.
    static let egg = """
    fs:
      - rw:~/.ssh
      - deny:private
    allow-override:
      - rw:~/.ssh
    network:
      - "*.example.com"

    """

    struct Project {
        let workspace: RingletWorkspace
        let ws: String

        init() throws {
            workspace = try RingletWorkspace()
            ws = try workspace.repository("ws")
            try workspace.write("ws/egg.yaml", SandboxCheckTests.egg)
            try FileManager.default.createDirectory(atPath: workspace.home + "/.ssh", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: ws + "/sshlink", withDestinationPath: workspace.home + "/.ssh")
        }

        func run(_ arguments: [String]) throws -> ProcessResult {
            try workspace.run(arguments, in: ws)
        }

        /// `<ws>`, `<home>` and `<egg:NEEDLE>` (the egg.yaml position of NEEDLE) in an expectation.
        func expand(_ text: String) -> String {
            var text = text.replacingOccurrences(of: "<ws>", with: ws).replacingOccurrences(of: "<home>", with: workspace.home)
            while let start = text.range(of: "<egg:"), let end = text[start.upperBound...].firstIndex(of: ">") {
                let needle = String(text[start.upperBound ..< end])
                let origin = "project egg.yaml \(ws)/egg.yaml:\(PolicyText.position(of: needle, in: SandboxCheckTests.egg) ?? "?")"
                text.replaceSubrange(start.lowerBound ... end, with: origin)
            }
            return text
        }
    }

    struct PathCase: Sendable, CustomTestStringConvertible {
        var path: String, flags: [String] = [], status: Int32
        /// The whole of stdout, with `<ws>`, `<home>` and `<egg:…>` placeholders.
        var output: String
        var testDescription: String { "check \(([path] + flags).joined(separator: " "))" }
    }

    @Test(arguments: [
        PathCase(path: "src/main.swift", flags: ["--write"], status: Exit.ok, output: """
        allowed: write <ws>/src/main.swift (access: read-write)
          decided by rw:<ws> (built-in defaults)
        """),
        PathCase(path: "/etc/passwd", status: Exit.ok, output: """
        allowed: read /etc/passwd (access: read)
          decided by ro:/ (built-in defaults)
        """),
        PathCase(path: "/etc/passwd", flags: ["--write"], status: Exit.failure, output: """
        denied: write /etc/passwd (access: read)
          decided by ro:/ (built-in defaults)
        """),
        PathCase(path: "~/.ssh/known_hosts", flags: ["--read"], status: Exit.ok, output: """
        allowed: read <home>/.ssh/known_hosts (access: read)
          decided by ro:<home>/.ssh/known_hosts (built-in defaults)
        """),
        PathCase(path: "~/.ssh/config", flags: ["--read", "--rw", "~/.ssh/config"], status: Exit.failure, output: """
        denied: read <home>/.ssh/config (access: none)
          decided by rw:<home>/.ssh/config (command line --rw ~/.ssh/config)
          capped by deny:<home>/.ssh (built-in defaults)
        """),
        PathCase(path: "private/key.pem", flags: ["--read"], status: Exit.failure, output: """
        denied: read <ws>/private/key.pem (access: none)
          decided by deny:<ws>/private (<egg:deny:private>)
        """),
        PathCase(path: "private", flags: ["--write"], status: Exit.failure, output: """
        denied: write <ws>/private (access: none)
          decided by deny:<ws>/private (<egg:deny:private>)
        """),
        PathCase(path: ".git/hooks/pre-commit", flags: ["--write"], status: Exit.failure, output: """
        denied: write <ws>/.git/hooks/pre-commit (access: read)
          decided by deny-write:<ws>/.git/hooks (built-in defaults)
        """),
        PathCase(path: ".git/hooks/pre-commit", flags: ["--read"], status: Exit.ok, output: """
        allowed: read <ws>/.git/hooks/pre-commit (access: read)
          decided by deny-write:<ws>/.git/hooks (built-in defaults)
        """),
        PathCase(path: ".git/config", flags: ["--write", "--rw", ".git"], status: Exit.failure, output: """
        denied: write <ws>/.git/config (access: read)
          decided by deny-write:<ws>/.git/config (built-in defaults)
        """),
        // The agent cannot edit its own hook wiring, in its HOME (`~` is RINGLET_HOME here) or in the workspace.
        PathCase(path: "~/data/homes/claude/.claude/settings.json", flags: ["--write", "--agent", "claude"], status: Exit.failure, output: """
        denied: write <home>/data/homes/claude/.claude/settings.json (access: read)
          decided by deny-write:<home>/data/homes/claude/.claude/settings.json (built-in defaults)
        """),
        PathCase(path: ".claude/settings.json", flags: ["--write", "--agent", "claude"], status: Exit.failure, output: """
        denied: write <ws>/.claude/settings.json (access: read)
          decided by deny-write:<ws>/.claude/settings.json (built-in defaults)
        """),
        PathCase(path: "sshlink/id_rsa", status: Exit.failure, output: """
        denied: read <home>/.ssh/id_rsa (access: none)
          decided by deny:<home>/.ssh (built-in defaults)
        """),
    ])
    func pathDecisionsNameTheirRule(_ check: PathCase) throws {
        let project = try Project()
        let result = try project.run(["sandbox", "check", check.path] + check.flags)
        expect(result, exit: check.status)
        #expect(result.stdout == project.expand(check.output) + "\n", "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    /// An egg that grants `rw:~/.ssh` (capped by the protected denial), or names it under
    /// allow-override (which cannot lift a protected rule): the private key stays unreadable either way.
    @Test(arguments: ["fs:\n  - rw:~/.ssh\n", "allow-override:\n  - rw:~/.ssh\n"])
    func theSSHKeyStaysDeniedWhateverAnEggSays(_ egg: String) throws {
        let workspace = try RingletWorkspace()
        let ws = try workspace.repository("ws")
        try workspace.write("ws/egg.yaml", egg)
        for operation in ["read", "write"] {
            let result = try workspace.run(["sandbox", "check", "~/.ssh/id_rsa", "--" + operation], in: ws)
            expect(result, exit: Exit.failure, stdout: ["denied: \(operation) \(workspace.home)/.ssh/id_rsa (access: none)\n",
                                                        "deny:\(workspace.home)/.ssh (built-in defaults)"])
            #expect(!result.stdout.contains("lifted"), "only --i-know-what-im-doing-allow lifts a protected rule\n\(result)")
        }
    }

    @Test func readAndWriteTogetherIsAUsageError() throws {
        let project = try Project()
        let result = try project.run(["sandbox", "check", "src", "--read", "--write"])
        expect(result, exit: Exit.usage, stderr: ["error: ask about --read or --write, not both", "usage: ringlet sandbox check"])
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test func checkJSONNamesTheRuleTheCapAndTheLifts() throws {
        let project = try Project()
        let home = project.workspace.home
        let denied = try project.run(["sandbox", "check", "private/key.pem", "--json"])
        expect(denied, exit: Exit.failure)
        let answer = try denied.jsonObject()
        #expect(Set(answer.keys) == ["path", "operation", "allowed", "access", "rule", "lifted"], "\(answer)")
        #expect(answer["path"] as? String == project.ws + "/private/key.pem")
        #expect(answer["operation"] as? String == "read")
        #expect(answer["allowed"] as? Bool == false)
        #expect(answer["access"] as? String == "none")
        #expect(answer["rule"] as? String == project.expand("deny:<ws>/private (<egg:deny:private>)"))
        #expect((answer["lifted"] as? [String])?.isEmpty == true)

        let capped = try project.run(["sandbox", "check", "~/.ssh/config", "--write", "--json", "--rw", "~/.ssh/config"]).jsonObject()
        #expect(capped["operation"] as? String == "write")
        #expect(capped["cappedBy"] as? String == "deny:\(home)/.ssh (built-in defaults)")

        let lifted = try project.run(["sandbox", "check", "~/.ssh/id_rsa", "--json", "--i-know-what-im-doing-allow", "~/.ssh"])
        expect(lifted, exit: Exit.ok)
        let liftedAnswer = try lifted.jsonObject()
        #expect(liftedAnswer["allowed"] as? Bool == true)
        #expect(liftedAnswer["lifted"] as? [String] == ["deny:\(home)/.ssh (built-in defaults) by rw:\(home)/.ssh (command line --i-know-what-im-doing-allow ~/.ssh)"])
    }

    struct DomainCase: Sendable, CustomTestStringConvertible {
        var host: String, flags: [String] = [], status: Int32, output: String
        var testDescription: String { "check-domain \(([host] + flags).joined(separator: " "))" }
    }

    static let anthropic = "provider anthropic 1.0.0 (builtin:providers/anthropic/1.0.0.yaml)"
    static let ollama = "provider ollama 1.0.0 (builtin:providers/ollama/1.0.0.yaml)"

    static func deniedHint(_ host: String, _ port: Int, entry: String) -> String {
        "denied: \(host):\(port) matches no network rule; add \"\(entry)\" to network: in egg.yaml, or pass --allow-domain \(entry)"
    }

    @Test(arguments: [
        DomainCase(host: "api.anthropic.com", flags: ["--provider", "anthropic"], status: Exit.ok,
                   output: "allowed: api.anthropic.com:443 by api.anthropic.com (\(anthropic))"),
        DomainCase(host: "api.anthropic.com", status: Exit.failure, output: deniedHint("api.anthropic.com", 443, entry: "api.anthropic.com")),
        DomainCase(host: "api.anthropic.com:8443", flags: ["--provider", "anthropic"], status: Exit.failure,
                   output: deniedHint("api.anthropic.com", 8443, entry: "api.anthropic.com:8443")),
        DomainCase(host: "evil.example.net:80", status: Exit.failure, output: deniedHint("evil.example.net", 80, entry: "evil.example.net")),
        DomainCase(host: "a.example.com", status: Exit.ok, output: "allowed: a.example.com:443 by *.example.com (<egg:\"*.example.com\">)"),
        DomainCase(host: "deep.a.example.com:80", status: Exit.ok, output: "allowed: deep.a.example.com:80 by *.example.com (<egg:\"*.example.com\">)"),
        DomainCase(host: "example.com", status: Exit.failure, output: deniedHint("example.com", 443, entry: "example.com")),
        DomainCase(host: "a.example.com:22", status: Exit.failure, output: deniedHint("a.example.com", 22, entry: "a.example.com:22")),
        DomainCase(host: "1.2.3.4", flags: ["--allow-domain", "*"], status: Exit.failure, output: deniedHint("1.2.3.4", 443, entry: "1.2.3.4")),
        DomainCase(host: "1.2.3.4", flags: ["--allow-domain", "1.2.3.4"], status: Exit.ok,
                   output: "allowed: 1.2.3.4:443 by 1.2.3.4 (command line --allow-domain 1.2.3.4)"),
        DomainCase(host: "anything.org", flags: ["--allow-domain", "*"], status: Exit.ok,
                   output: "allowed: anything.org:443 by * (command line --allow-domain *)"),
        DomainCase(host: "127.0.0.1:11434", flags: ["--provider", "ollama"], status: Exit.ok,
                   output: "allowed: 127.0.0.1:11434 by 127.0.0.1:11434 (\(ollama))"),
        DomainCase(host: "127.0.0.1:11434", status: Exit.failure, output: deniedHint("127.0.0.1", 11434, entry: "127.0.0.1:11434")),
        DomainCase(host: "127.0.0.1:11434", flags: ["--allow-domain", "*"], status: Exit.failure,
                   output: deniedHint("127.0.0.1", 11434, entry: "127.0.0.1:11434")),
        DomainCase(host: "localhost:11434", flags: ["--provider", "ollama"], status: Exit.failure,
                   output: deniedHint("localhost", 11434, entry: "localhost:11434")),
    ])
    func domainDecisionsNameTheirRuleOrHowToAllow(_ check: DomainCase) throws {
        let project = try Project()
        let result = try project.run(["sandbox", "check-domain", check.host] + check.flags)
        expect(result, exit: check.status)
        #expect(result.stdout == project.expand(check.output) + "\n", "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test func aWildcardNeverReachesAnAddressLiteral() throws {
        let project = try Project()
        for (address, pattern) in [("127.0.0.1", "*.0.0.1"), ("10.1.2.3", "*.2.3")] {
            let result = try project.run(["sandbox", "check-domain", address, "--allow-domain", pattern])
            // README: "loopback, private and other IP literals are reachable only through an entry that names them".
            expect(result, exit: Exit.failure, stdout: ["denied: \(address):443"])
        }
    }

    @Test(arguments: ["host:0", "host:65536", "host:https", "host:"])
    func aBadPortIsAUsageError(_ host: String) throws {
        let project = try Project()
        let result = try project.run(["sandbox", "check-domain", host])
        expect(result, exit: Exit.usage, stderr: ["error: '\(host)' has an invalid port"])
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test func checkDomainJSONHasTheRuleOnlyWhenAllowed() throws {
        let project = try Project()
        let allowed = try project.run(["sandbox", "check-domain", "api.anthropic.com", "--provider", "anthropic", "--json"])
        expect(allowed, exit: Exit.ok)
        let yes = try allowed.jsonObject()
        #expect(yes["host"] as? String == "api.anthropic.com")
        #expect(yes["port"] as? Int == 443)
        #expect(yes["allowed"] as? Bool == true)
        #expect(yes["rule"] as? String == "api.anthropic.com (\(Self.anthropic))")

        let denied = try project.run(["sandbox", "check-domain", "registry.npmjs.org:8080", "--json"])
        expect(denied, exit: Exit.failure)
        let no = try denied.jsonObject()
        #expect(Set(no.keys) == ["host", "port", "allowed"], "\(no)")
        #expect(no["port"] as? Int == 8080)
        #expect(no["allowed"] as? Bool == false)
    }
}
