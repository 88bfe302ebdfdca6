import RingletPolicy
import RingletProxy
import Testing

/// The allowlist decision exactly as the proxy makes it: the requested host normalized first
/// (`HostName.normalize`), then the session's entries in order; nothing resolved.
@Suite struct HostMatchingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var entries: [String]
        var host: String
        var port: Int
        var allowed: Bool
        init(_ entries: [String], _ host: String, _ port: Int, _ allowed: Bool) {
            self.entries = entries
            self.host = host
            self.port = port
            self.allowed = allowed
        }
        init(_ entries: [String], _ host: String, _ allowed: Bool) {
            self.init(entries, host, 443, allowed)
        }
        var testDescription: String { "\(entries) \(allowed ? "allows" : "denies") \(host):\(port)" }
    }

    static func decide(_ entries: [String], _ host: String, _ port: Int) throws -> ProxyDecision {
        let normalized = try #require(HostName.normalize(host), "\(host) normalizes")
        return ProxyDecision.byPolicy(host: normalized, port: port, patterns: try Patterns.parse(entries)).0
    }

    static let cases: [Case] = [
        // exact vs subdomains
        Case(["ex.test"], "ex.test", true),
        Case(["ex.test"], "a.ex.test", false),
        Case(["*.ex.test"], "ex.test", false),
        Case(["*.ex.test"], "a.ex.test", true),
        Case(["*.ex.test"], "a.b.ex.test", true),
        Case(["ex.test", "*.ex.test"], "ex.test", true),
        // suffix tricks
        Case(["*.ex.test"], "a.ex.test.evil.test", false),
        Case(["ex.test"], "ex.test.evil.test", false),
        Case(["*.ex.test"], "evilex.test", false),
        Case(["*.ex.test"], "a-ex.test", false),
        Case(["ex.test"], "xex.test", false),
        // spelling: case, trailing dot, IDNA
        Case(["ex.test"], "EX.TEST.", true),
        Case(["*.ex.test"], "A.EX.TEST.", true),
        Case(["EX.Test."], "ex.test", true),
        Case(["*.EX.TEST."], "a.ex.test", true),
        Case(["xn--bcher-kva.test"], "b\u{00FC}cher.test", true),
        Case(["xn--bcher-kva.test"], "B\u{00DC}CHER.TEST.", true),
        Case(["*.xn--bcher-kva.test"], "www.b\u{00FC}cher.test", true),
        Case(["xn--bcher-kva.test"], "bucher.test", false),
        Case(["b\u{00FC}cher.test"], "xn--bcher-kva.test", true),
        Case(["b\u{00FC}cher.test"], "B\u{00DC}CHER.test", true),
        Case(["*.b\u{00FC}cher.test"], "www.xn--bcher-kva.test", true),
        Case(["B\u{00DC}CHER.test:8443"], "xn--bcher-kva.test", 8443, true),
        // ports: 80 and 443 by default, otherwise only the port named
        Case(["ex.test"], "ex.test", 80, true),
        Case(["ex.test"], "ex.test", 8443, false),
        Case(["ex.test"], "ex.test", 22, false),
        Case(["ex.test:8443"], "ex.test", 8443, true),
        Case(["ex.test:8443"], "ex.test", 443, false),
        Case(["*.ex.test:8443"], "a.ex.test", 8443, true),
        Case(["*.ex.test:8443"], "a.ex.test", 443, false),
        Case(["*.ex.test"], "a.ex.test", 8080, false),
        // `*`: any name, any port, but never an address literal or localhost
        Case(["*"], "anything.test", true),
        Case(["*"], "anything.test", 8443, true),
        Case(["*"], "127.0.0.1", false),
        Case(["*"], "8.8.8.8", false),
        Case(["*"], "[::1]", 443, false),
        Case(["*"], "localhost", false),
        // …in any spelling the C library reads as an address, since a resolver would
        Case(["*"], "2130706433", false),
        Case(["*"], "127.1", false),
        Case(["*"], "134744072", false),
        Case(["*"], "0x7f.0.0.1", false),
        Case(["*.8.8"], "8.8.8.8", false),
        Case(["*.0.0.1"], "127.0.0.1", false),
        // IP literals only when listed exactly
        Case(["127.0.0.1"], "127.0.0.1", 80, true),
        Case(["127.0.0.1"], "127.0.0.1", 8080, false),
        Case(["127.0.0.1:8080"], "127.0.0.1", 8080, true),
        Case(["127.0.0.1:8080"], "127.0.0.2", 8080, false),
        Case(["[::1]:8080"], "[::1]", 8080, true),
        Case(["[::1]:8080"], "[::2]", 8080, false),
        Case(["ex.test"], "10.0.0.1", false),
        Case([], "ex.test", false),
    ]

    @Test(arguments: cases)
    func allowlist(_ sample: Case) throws {
        let decision = try HostMatchingTests.decide(sample.entries, sample.host, sample.port)
        #expect(decision.verdict == (sample.allowed ? .allowed : .denied))
        #expect(decision.rule != "" && (sample.allowed || decision.rule == "not-allowed"), "\(decision.rule)")
    }

    @Test func theFirstMatchingEntryIsTheRule() throws {
        let decision = try HostMatchingTests.decide(["other.test", "*.ex.test:443", "*"], "A.Ex.Test", 443)
        #expect(decision.verdict == .allowed)
        #expect(decision.rule == "*.ex.test:443")
    }

    @Test(arguments: [("api.example.test", 443, "\"api.example.test\""), ("api.example.test", 80, "\"api.example.test\""),
                      ("api.example.test", 8443, "\"api.example.test:8443\"")])
    func aDenialSaysWhichHostAndHowToAllowIt(_ host: String, _ port: Int, _ entry: String) throws {
        let decision = try HostMatchingTests.decide(["other.test"], host, port)
        #expect(decision.rule == "not-allowed")
        #expect(decision.message.contains("\(host):\(port)"), "\(decision.message)")
        #expect(decision.message.contains("add \(entry) to network: in egg.yaml"), "\(decision.message)")
        #expect(!decision.message.contains("\n"), "one line")
    }

    static let guarded: [(entry: String, host: String, address: String, refused: Bool)] = [
        ("*.corp.test", "svc.corp.test", "127.0.0.1", true),
        ("*.corp.test", "svc.corp.test", "10.1.2.3", true),
        ("*.corp.test", "svc.corp.test", "172.20.0.1", true),
        ("*.corp.test", "svc.corp.test", "192.168.1.1", true),
        ("*.corp.test", "svc.corp.test", "169.254.169.254", true),
        ("*.corp.test", "svc.corp.test", "100.100.100.100", true),
        ("*.corp.test", "svc.corp.test", "0.0.0.0", true),
        ("*.corp.test", "svc.corp.test", "::1", true),
        ("*.corp.test", "svc.corp.test", "fd00::1", true),
        ("*.corp.test", "svc.corp.test", "fe80::1", true),
        ("*.corp.test", "svc.corp.test", "::ffff:10.0.0.1", true),
        ("*", "svc.corp.test", "10.1.2.3", true),
        ("*.corp.test:8080", "svc.corp.test", "127.0.0.1", true),
        ("*.corp.test", "svc.corp.test", "93.184.216.34", false),
        ("*", "svc.corp.test", "2606:4700:4700::1111", false),
        ("svc.corp.test", "svc.corp.test", "127.0.0.1", false),
        ("svc.corp.test", "svc.corp.test", "169.254.169.254", false),
        ("svc.corp.test:8080", "svc.corp.test", "10.1.2.3", false),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1", false),
    ]

    @Test(arguments: guarded)
    func privateAddressesNeedTheHostNamedExactly(_ sample: (entry: String, host: String, address: String, refused: Bool)) throws {
        let pattern = try #require(DomainPattern(parsing: sample.entry))
        let address = try #require(IPAddress(parsing: sample.address))
        let port = pattern.port ?? 443
        let refusal = ProxyDecision.guardAddress(address, host: sample.host, port: port, pattern: pattern, patterns: [pattern])
        guard sample.refused else {
            #expect(refusal == nil, "\(sample.entry) reaches \(sample.address)")
            return
        }
        let decision = try #require(refusal, "\(sample.entry) must not reach \(sample.address)")
        #expect(decision.verdict == .denied)
        #expect(decision.rule == "private-address")
        #expect(decision.address == address)
        #expect(decision.message.contains(sample.address), "\(decision.message)")
        let entry = port == 443 ? sample.host : "\(sample.host):\(port)"
        #expect(decision.message.contains("add \"\(entry)\" itself to network:"), "\(decision.message)")
    }

    /// Entries are a set (layers add to it): an exact entry names the host wherever it is listed.
    @Test func anExactEntryAnywhereInTheListSatisfiesTheGuard() throws {
        let patterns = try Patterns.parse(["*.corp.test", "svc.corp.test", "*"])
        let loopback = IPAddress(parsing: "127.0.0.1")!
        for (host, refused) in [("svc.corp.test", false), ("other.corp.test", true), ("svc.corp.test.evil.test", true)] {
            let (decision, pattern) = ProxyDecision.byPolicy(host: host, port: 443, patterns: patterns)
            #expect(decision.rule == (host.hasPrefix("svc.corp.test.") ? "*" : "*.corp.test"))
            let refusal = ProxyDecision.guardAddress(loopback, host: host, port: 443, pattern: try #require(pattern), patterns: patterns)
            #expect((refusal != nil) == refused, "\(host)")
        }
        let (_, pattern) = ProxyDecision.byPolicy(host: "svc.corp.test", port: 8080, patterns: try Patterns.parse(["*.corp.test:8080", "svc.corp.test"]))
        #expect(ProxyDecision.guardAddress(loopback, host: "svc.corp.test", port: 8080, pattern: try #require(pattern),
                                           patterns: try Patterns.parse(["*.corp.test:8080", "svc.corp.test"])) != nil,
                "an exact entry for other ports does not name port 8080")
    }
}
