import RingletProxy
import Testing

/// Which addresses need the host named explicitly, and the resolvers that produce them.
@Suite struct IPAddressTests {
    /// (address, a word the kind must contain, or nil for a public address).
    static let kinds: [(address: String, kind: String?)] = [
        // 10.0.0.0/8
        ("10.0.0.1", "private"), ("10.255.255.255", "private"), ("9.255.255.255", nil), ("11.0.0.0", nil),
        // 172.16.0.0/12
        ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("172.15.255.255", nil), ("172.32.0.0", nil),
        // 192.168.0.0/16
        ("192.168.0.1", "private"), ("192.168.255.255", "private"), ("192.167.255.255", nil), ("192.169.0.0", nil),
        // 169.254.0.0/16, where cloud metadata lives
        ("169.254.169.254", "link-local"), ("169.254.0.0", "link-local"), ("169.253.255.255", nil), ("169.255.0.0", nil),
        // 100.64.0.0/10
        ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.255", "carrier-grade NAT"), ("100.63.255.255", nil), ("100.128.0.0", nil),
        // 127.0.0.0/8
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"), ("126.255.255.255", nil), ("128.0.0.0", nil),
        // 0.0.0.0/8
        ("0.0.0.0", "unspecified"), ("0.1.2.3", "unspecified"), ("1.0.0.0", nil),
        ("224.0.0.1", "multicast"), ("255.255.255.255", "broadcast"),
        // IPv6
        ("::1", "loopback"), ("::", "unspecified"),
        ("fc00::1", "unique local"), ("fd12:3456:789a::1", "unique local"), ("fbff:ffff::1", nil),
        ("fe80::1", "link-local"), ("febf:ffff::1", "link-local"),
        ("::ffff:10.0.0.1", "IPv4-mapped private"), ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
        ("::ffff:169.254.169.254", "IPv4-mapped link-local"), ("::ffff:8.8.8.8", "IPv4-mapped"),
        ("ff02::1", "multicast"),
        // Public: reachable through a wildcard entry.
        ("8.8.8.8", nil), ("1.1.1.1", nil), ("93.184.216.34", nil), ("172.217.16.14", nil), ("100.0.0.1", nil),
        ("2001:4860:4860::8888", nil), ("2606:4700:4700::1111", nil), ("2a00:1450:4001:80b::200e", nil),
    ]

    @Test(arguments: kinds)
    func restrictedKind(_ sample: (address: String, kind: String?)) throws {
        let address = try #require(IPAddress(parsing: sample.address))
        if let kind = sample.kind {
            let found = try #require(address.restrictedKind, "\(sample.address) must be restricted (\(kind))")
            #expect(found.contains(kind), "\(sample.address): \(found)")
        } else {
            #expect(address.restrictedKind == nil, "\(sample.address) is public")
        }
    }

    @Test(arguments: [("127.0.0.1", "127.0.0.1"), ("10.1.2.3", "10.1.2.3"), ("::1", "::1"), ("FE80::0:1", "fe80::1"),
                      ("::ffff:10.0.0.1", "::ffff:10.0.0.1"), ("2001:db8:0:0:0:0:0:1", "2001:db8::1")])
    func parsesAndPrintsAddresses(_ text: String, _ printed: String) throws {
        #expect(try #require(IPAddress(parsing: text)).description == printed)
    }

    @Test(arguments: ["", "1.2.3", "256.1.1.1", "1.2.3.4.5", "example.test", "[::1]", "::1::2", "1.2.3.4 ", "0x7f.0.0.1"])
    func refusesWhatIsNotAnAddress(_ text: String) {
        #expect(IPAddress(parsing: text) == nil, "\(text.debugDescription)")
    }

    @Test func hostsFileAnswersItsNamesNormalized() throws {
        let text = """
        # test names
        127.0.0.1   secure.test  Web.Test.   # trailing comment
        10.1.2.3\tintranet.corp.test
        ::1 six.test

        198.51.100.7 b\u{00FC}cher.test
        127.0.0.2 web.test
        """
        let resolver = try SystemResolver.withHostsFile(text, file: "hosts")
        #expect(try resolver.resolve("secure.test") == [IPAddress(parsing: "127.0.0.1")!])
        #expect(try resolver.resolve("web.test") == [IPAddress(parsing: "127.0.0.1")!, IPAddress(parsing: "127.0.0.2")!])
        #expect(try resolver.resolve("intranet.corp.test") == [IPAddress(parsing: "10.1.2.3")!])
        #expect(try resolver.resolve("six.test") == [IPAddress(parsing: "::1")!])
        #expect(try resolver.resolve("xn--bcher-kva.test") == [IPAddress(parsing: "198.51.100.7")!])
    }

    @Test(arguments: [("secure.test\n", 1), ("# ok\n127.0.0.1 a.test\n300.1.1.1 b.test\n", 3), ("127.0.0.1\n", 1),
                      ("127.0.0.1 a.test\n127.0.0.1 bad/name\n", 2)])
    func hostsFileErrorsNameTheLine(_ text: String, _ line: Int) {
        #expect(throws: ProxyError.self) { try SystemResolver.withHostsFile(text, file: "/tmp/hosts") }
        do {
            _ = try SystemResolver.withHostsFile(text, file: "/tmp/hosts")
        } catch {
            #expect("\(error)".hasPrefix("/tmp/hosts:\(line): "), "\(error)")
        }
    }

    @Test func recordingResolverRemembersEveryQuestionAndPassesAnswersThrough() throws {
        let resolver = RecordingResolver(SystemResolver(fixed: ["a.test": [IPAddress(parsing: "192.0.2.1")!],
                                                                "b.test": [IPAddress(parsing: "::1")!]]))
        #expect(resolver.queries.isEmpty)
        #expect(try resolver.resolve("a.test") == [IPAddress(parsing: "192.0.2.1")!])
        #expect(try resolver.resolve("b.test") == [IPAddress(parsing: "::1")!])
        #expect(try resolver.resolve("a.test") == [IPAddress(parsing: "192.0.2.1")!])
        #expect(resolver.queries == ["a.test", "b.test", "a.test"])
    }
}
