import RingletManifest
import Testing

/// The shapes a `network:` entry may take (`host`, `*.suffix`, either with `:port`, or `*`), checked
/// through agent manifests, which is where users write them.
@Suite struct NetworkDomainTests {
    private func network(_ entries: [String]) throws -> [String] {
        let list = entries.map { "  - \"\($0)\"\n" }.joined()
        let manifest = try ManifestFixtures.decode(text: ManifestFixtures.agent("network:\n" + list))
        return try #require(manifest.agent).network
    }

    private func refusal(_ entry: String) -> String? {
        ManifestFixtures.error(decoding: ManifestFixtures.agent("network:\n  - api.example.com\n  - \"\(entry)\"\n"))
    }

    @Test(arguments: [
        "api.example.com", "*.example.com", "example.com:8443", "*.example.com:443", "*", "localhost",
        "127.0.0.1:11434", "xn--bcher-kva.de", "bücher.de", "a-b.c-d.example", "example.com:1", "example.com:65535",
        String(repeating: "a", count: 63) + ".com",
    ])
    func validEntryIsKept(entry: String) throws {
        #expect(try network([entry]) == [entry])
    }

    @Test func entriesAreLowerCasedInOrder() throws {
        #expect(try network(["API.Example.COM", "*.Foo.org:443", "b.com"]) == ["api.example.com", "*.foo.org:443", "b.com"])
    }

    @Test func absentOrEmptyNetworkIsNoNetwork() throws {
        #expect(try #require(try ManifestFixtures.decode(text: ManifestFixtures.agent()).agent).network.isEmpty)
        #expect(try network([]).isEmpty)
    }

    @Test(arguments: [
        "", "api_example.com", "example..com", ".example.com", "example.com.", "-bad.example.com", "bad-.example.com",
        "*.", "*.*.example.com", "*example.com", "ex ample.com", "example.com/path", "a:b:80",
        String(repeating: "a", count: 64) + ".com",
    ])
    func malformedHostIsRefusedAtItsEntry(entry: String) {
        #expect(refusal(entry) == "inline.yaml:9:5: network entry '\(entry)' is not a host name, '*.suffix' or 'host:port'")
    }

    @Test(arguments: [
        "https://api.example.com", "example.com:", "example.com:0", "example.com:65536", "example.com:http",
        "example.com:-1", "[::1]:", "example.com:8080/x",
    ])
    func malformedPortIsRefusedAtItsEntry(entry: String) {
        #expect(refusal(entry) == "inline.yaml:9:5: network entry '\(entry)' has an invalid port")
    }

    /// `Int("+80")` parses, so a port with a sign slips through and is kept as `host:+80`, a rule that names
    /// a port no connection ever has.
    @Test func signedPortIsRefused() {
        #expect(refusal("example.com:+80") == "inline.yaml:9:5: network entry 'example.com:+80' has an invalid port")
    }

    @Test func nonStringEntryIsATypeError() {
        let message = ManifestFixtures.error(decoding: ManifestFixtures.agent("network:\n  - [a.com]\n"))
        #expect(message == "inline.yaml:8:5: 'network' must be a string, found a list")
    }
}
