@testable import RingletPolicy
import Testing

/// `network:` entries (parsing, matching, union with first origin) and `env:` (pass-through union,
/// settings where the later layer wins, the secret-name rule).
@Suite struct NetworkAndEnvironmentTests {
    // MARK: Parsing

    static let valid: [(String, DomainPattern.Host, Int?, String)] = [
        ("example.com", .exact("example.com"), nil, "example.com"),
        ("Example.COM.", .exact("example.com"), nil, "example.com"),
        ("*.example.com", .subdomains(of: "example.com"), nil, "*.example.com"),
        ("example.com:8443", .exact("example.com"), 8443, "example.com:8443"),
        ("*.Example.com:8080", .subdomains(of: "example.com"), 8080, "*.example.com:8080"),
        ("*", .any, nil, "*"),
        ("*:8080", .any, 8080, "*:8080"),
        ("127.0.0.1:11434", .exact("127.0.0.1"), 11434, "127.0.0.1:11434"),
        ("localhost:3000", .exact("localhost"), 3000, "localhost:3000"),
        ("[::1]:8080", .exact("[::1]"), 8080, "[::1]:8080"),
        ("example.com:1", .exact("example.com"), 1, "example.com:1"),
        ("example.com:65535", .exact("example.com"), 65535, "example.com:65535"),
    ]

    @Test(arguments: valid)
    func validEntries(_ entry: (String, DomainPattern.Host, Int?, String)) throws {
        let pattern = try #require(DomainPattern(parsing: entry.0))
        #expect(pattern.host == entry.1)
        #expect(pattern.port == entry.2)
        #expect(pattern.description == entry.3)
    }

    @Test(arguments: ["", ":443", "example.com:", "example.com:0", "example.com:65536", "example.com:http", "example.com:-1",
                      "example.com:+80", "a*.example.com", "ex*ample.com", "https://example.com"])
    func invalidEntries(_ entry: String) {
        #expect(DomainPattern(parsing: entry) == nil)
    }

    /// `--allow-domain` is checked only by `DomainPattern`; what an egg.yaml refuses must not slip in there.
    /// (`*.` is worst: its trailing dot is dropped first, so it parses as `*`, unrestricted.)
    @Test(arguments: ["*.", "*.:443", "*.*.example.com", "exa mple.com", "example.com/path", "ex_ample..com"])
    func entriesThatAreNoHostName(_ entry: String) {
        #expect(DomainPattern(parsing: entry) == nil)
    }

    // MARK: Matching

    static let matches: [(pattern: String, host: String, port: Int, allowed: Bool)] = [
        ("example.com", "example.com", 443, true),
        ("example.com", "example.com", 80, true),
        ("example.com", "example.com", 8080, false),
        ("example.com", "example.com", 22, false),
        ("example.com", "www.example.com", 443, false),
        ("example.com", "EXAMPLE.com.", 443, true),
        ("example.com", "example.com.evil.tld", 443, false),
        ("example.com", "notexample.com", 443, false),
        ("*.example.com", "a.example.com", 443, true),
        ("*.example.com", "a.b.example.com", 80, true),
        ("*.example.com", "A.Example.COM.", 443, true),
        ("*.example.com", "example.com", 443, false),
        ("*.example.com", "a.example.com.evil.tld", 443, false),
        ("*.example.com", "aexample.com", 443, false),
        ("*.example.com", "a.example.com", 8443, false),
        ("example.com:8443", "example.com", 8443, true),
        ("example.com:8443", "example.com", 443, false),
        ("*.example.com:8080", "api.example.com", 8080, true),
        ("*.example.com:8080", "api.example.com", 443, false),
        ("*", "github.com", 22, true),
        ("*", "anything.io", 443, true),
        ("*", "127.0.0.1", 80, false),
        ("*", "10.0.0.1", 443, false),
        ("*", "169.254.169.254", 80, false),
        ("*", "::1", 443, false),
        ("*", "[::1]", 443, false),
        ("*", "localhost", 443, false),
        ("*", "LocalHost.", 8765, false),
        ("*:8080", "x.com", 8080, true),
        ("*:8080", "x.com", 443, false),
        ("*:8080", "127.0.0.1", 8080, false),
        ("127.0.0.1:11434", "127.0.0.1", 11434, true),
        ("127.0.0.1:11434", "127.0.0.1", 80, false),
        ("127.0.0.1:11434", "127.0.0.1", 11435, false),
        ("127.0.0.1:11434", "localhost", 11434, false),
        ("127.0.0.1:11434", "127.0.0.2", 11434, false),
        ("localhost:3000", "localhost", 3000, true),
        ("*.0.0.1", "127.0.0.1", 443, false),
        ("*.168.1.1", "192.168.1.1", 80, false),
    ]

    @Test(arguments: matches)
    func matching(_ row: (pattern: String, host: String, port: Int, allowed: Bool)) throws {
        let pattern = try #require(DomainPattern(parsing: row.pattern))
        #expect(pattern.matches(host: row.host, port: row.port) == row.allowed)
    }

    // MARK: Union

    @Test func networkIsTheUnionWithTheFirstOriginKept() throws {
        let policy = PolicyComposer.compose([
            try Layers.network("agent", ["api.anthropic.com", "sentry.io"], kind: .agent),
            try Layers.network("provider", ["API.anthropic.com.", "*.anthropic.com"], kind: .provider),
            try Layers.network("egg", ["sentry.io", "example.com:8080", "example.com"]),
        ])
        #expect(policy.network.map(\.pattern.description) == ["api.anthropic.com", "sentry.io", "*.anthropic.com", "example.com:8080", "example.com"])
        #expect(policy.network.map(\.origin.label) == ["agent", "agent", "provider", "egg", "egg"])

        let api = policy.decide(host: "api.anthropic.com", port: 443)
        #expect(api.allowed && api.rule?.origin.label == "agent")
        #expect(policy.decide(host: "statsig.anthropic.com", port: 443).rule?.pattern.description == "*.anthropic.com")
        #expect(policy.decide(host: "example.com", port: 8080).rule?.pattern.description == "example.com:8080")
        let denied = policy.decide(host: "evil.com", port: 443)
        #expect(!denied.allowed && denied.rule == nil)
        #expect(!policy.decide(host: "127.0.0.1", port: 8765).allowed)
        #expect(!policy.isNetworkUnrestricted)
        #expect(policy.warnings.isEmpty)
    }

    @Test func starMeansUnrestrictedAndIsFlagged() throws {
        let policy = PolicyComposer.compose([try Layers.network("agent", ["api.example.com"]), try Layers.network("egg", ["*"])])
        #expect(policy.isNetworkUnrestricted)
        #expect(policy.warnings == ["network \"*\" is unrestricted (egg)"])
        #expect(policy.decide(host: "anything.org", port: 443).rule?.origin.label == "egg")
        #expect(!policy.decide(host: "192.168.1.1", port: 443).allowed, "* never reaches an IP literal")
        #expect(PolicyComposer.compose([]).network.isEmpty && !PolicyComposer.compose([]).isNetworkUnrestricted)
    }

    // MARK: Environment

    @Test func passThroughIsAUnionWithTheFirstOriginKept() {
        let policy = PolicyComposer.compose([
            Layers.environment("defaults", ["PATH", "LC_*", "HOME"], kind: .defaults),
            Layers.environment("agent", ["PATH", "EDITOR"], kind: .agent),
            Layers.environment("egg", ["EDITOR", "GITHUB_TOKEN"]),
        ])
        #expect(policy.passThrough.map(\.name) == ["PATH", "LC_*", "HOME", "EDITOR", "GITHUB_TOKEN"])
        #expect(policy.passThrough.map(\.origin.label) == ["defaults", "defaults", "defaults", "agent", "egg"])
        #expect(policy.settings.isEmpty && policy.replacedSettings.isEmpty)
    }

    @Test func aLaterSettingWinsAndTheReplacedOnesAreListed() {
        let policy = PolicyComposer.compose([
            Layers.environment("agent", ["FOO=1", "BAR=a"], kind: .agent),
            Layers.environment("global", ["FOO=2", "PATH"], kind: .global),
            Layers.environment("egg", ["FOO=3", "OPTS=-x=1"]),
        ])
        #expect(policy.settings.map(\.name) == ["FOO", "BAR", "OPTS"])
        #expect(policy.settings.map(\.value) == ["3", "a", "-x=1"])
        #expect(policy.settings.map(\.origin.label) == ["egg", "agent", "egg"])
        #expect(policy.replacedSettings.map { "\($0.rule.value!)@\($0.rule.origin.label)" } == ["1@agent", "2@global"])
        #expect(policy.replacedSettings.allSatisfy { $0.by.value == "3" && $0.by.origin.label == "egg" })
        #expect(policy.passThrough.map(\.name) == ["PATH"], "settings are not pass-through names")
    }

    static let passing: [(rules: [String], name: String, passedBy: String?)] = [
        (["LC_*"], "LC_ALL", "LC_*"),
        (["LC_*"], "LC_", "LC_*"),
        (["LC_*"], "XLC_ALL", nil),
        (["PATH"], "PATH", "PATH"),
        (["PATH"], "PATHX", nil),
        (["PATH"], "path", nil),
        ([], "HOME", nil),
        (["LC_*"], "LC_API_KEY", nil),
        (["GH_*"], "GH_TOKEN", nil),
        (["*"], "ANTHROPIC_API_KEY", nil),
        (["*", "ANTHROPIC_API_KEY"], "ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
        (["MY_*"], "MY_SECRET", nil),
        (["my_*"], "my_secret", nil),
        (["*_KEY"], "OPENAI_KEY", nil),
        (["MY_*"], "MY_SECRETS", "MY_*"),
        (["*"], "KEY", "*"),
        (["*"], "TOKEN_COUNT", "*"),
        (["GITHUB_TOKEN"], "GITHUB_TOKEN", "GITHUB_TOKEN"),
        (["A*B*C"], "AxxBxxC", "A*B*C"),
        (["A*B*C"], "ABC", "A*B*C"),
        (["A*B*B"], "AXB", nil),
        (["AB*BA"], "ABA", nil),
    ]

    @Test(arguments: passing)
    func passesEnvironment(_ row: (rules: [String], name: String, passedBy: String?)) {
        let policy = PolicyComposer.compose([Layers.environment("egg", row.rules)])
        #expect(policy.passes(environment: row.name)?.name == row.passedBy)
    }

    @Test func exactNameWinsOverAnEarlierPattern() {
        let policy = PolicyComposer.compose([Layers.environment("defaults", ["LC_*"]), Layers.environment("egg", ["LC_ALL"])])
        #expect(policy.passes(environment: "LC_ALL")?.origin.label == "egg")
        #expect(policy.passes(environment: "LC_TIME")?.origin.label == "defaults")
    }
}
