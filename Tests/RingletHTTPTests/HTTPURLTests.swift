import RingletHTTP
import Testing

@Suite struct HTTPURLTests {
    @Test(arguments: [
        ("http://example.com", "http://example.com/", "example.com", 80),
        ("HTTPS://Example.COM:443/a/b?c=d#fragment", "https://example.com/a/b?c=d", "example.com", 443),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x", "127.0.0.1", 8080),
        ("http://[::1]:9000/", "http://[::1]:9000/", "::1", 9000),
        ("https://[2001:DB8:0:0:0:0:0:1]/f", "https://[2001:db8::1]/f", "2001:db8::1", 443),
        ("http://example.com:/p", "http://example.com/p", "example.com", 80),
        ("https://example.com/a/./b/../c", "https://example.com/a/c", "example.com", 443),
        ("https://example.com/../../x", "https://example.com/x", "example.com", 443),
        ("http://example.com/a b/é?q=x y&r=?/", "http://example.com/a%20b/%C3%A9?q=x%20y&r=?/", "example.com", 80),
        ("http://example.com?x=1", "http://example.com/?x=1", "example.com", 80),
        ("http://example.com/%7Euser/", "http://example.com/%7Euser/", "example.com", 80),
        ("http://My_Host.local./", "http://my_host.local./", "my_host.local.", 80),
        ("https://registry.example:8443", "https://registry.example:8443/", "registry.example", 8443),
    ])
    func validURLs(text: String, description: String, host: String, port: Int) throws {
        let url = try HTTPURL(parsing: text)
        #expect(url.description == description)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.path.hasPrefix("/"))
        #expect(try HTTPURL(parsing: url.description) == url)
    }

    @Test func componentsAndEquality() throws {
        let url = try HTTPURL(parsing: "https://h.example/dir/file.yaml?v=1")
        #expect(url.scheme == .https)
        #expect(url.path == "/dir/file.yaml")
        #expect(url.query == "v=1")
        #expect(url.requestTarget == "/dir/file.yaml?v=1")
        #expect(try HTTPURL(parsing: "http://example.com/").query == nil)
        #expect(try HTTPURL(parsing: "http://example.com:80/") == HTTPURL(parsing: "HTTP://EXAMPLE.com"))
        #expect(try HTTPURL(parsing: "http://example.com/") != HTTPURL(parsing: "https://example.com/"))
    }

    @Test(arguments: [
        ("", "no scheme"),
        ("example.com/file", "no scheme"),
        ("ftp://example.com/", "scheme \"ftp\" is not supported"),
        ("http://user:secret@example.com/", "credentials in URLs are not supported"),
        ("https://token@example.com/", "credentials in URLs are not supported"),
        ("http:///path", "no host"),
        ("http://exa mple.com/", "invalid character"),
        ("http://example.com:0/", "port \"0\""),
        ("http://example.com:65536/", "port \"65536\""),
        ("http://example.com:8x/", "port \"8x\""),
        ("http://[::1/", "closing ]"),
        ("http://[::1]x/", "after the IPv6 address"),
        ("http://[::g]/", "not a valid IPv6 address"),
        ("http://[fe80::1%25eth0]/", "zone identifiers"),
        ("http://::1/", "brackets"),
        ("http://256.1.1.1/", "not a valid IPv4 address"),
        ("http://127.1/", "not a valid IPv4 address"),
        ("http://bücher.example/", "xn--"),
        ("http://example.com/a%zz", "%XX"),
        ("http://example.com/a%2", "%XX"),
        ("http://example.com/\nx", "control character U+000A"),
    ])
    func invalidURLs(text: String, reason: String) {
        let error = #expect(throws: HTTPClientError.self) { try HTTPURL(parsing: text) }
        guard case let .invalidURL(reported, message)? = error else {
            Issue.record("expected invalidURL for \(text), got \(String(describing: error))")
            return
        }
        #expect(reported == text)
        #expect(message.contains(reason), "\(message)")
    }

    @Test(arguments: [
        ("agents/claude/2.1.0.yaml", "https://h.example/reg/agents/claude/2.1.0.yaml"),
        ("../other/x.yaml", "https://h.example/other/x.yaml"),
        ("../../../../x", "https://h.example/x"),
        ("/abs/path", "https://h.example/abs/path"),
        ("?q=1", "https://h.example/reg/?q=1"),
        ("//cdn.example/f", "https://cdn.example/f"),
        ("http://mirror.example/f", "http://mirror.example/f"),
        ("HTTPS://Mirror.example:443/f#x", "https://mirror.example/f"),
        ("#fragment", "https://h.example/reg/"),
        ("", "https://h.example/reg/"),
        ("file with spaces.yaml", "https://h.example/reg/file%20with%20spaces.yaml"),
    ])
    func resolvingAgainstDirectory(reference: String, expected: String) throws {
        let base = try HTTPURL(parsing: "https://h.example/reg/")
        #expect(base.resolving(reference)?.description == expected)
    }

    // RFC 3986 section 5.4.1 (fragments are dropped, as HTTPURL never keeps them).
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g/"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q"),
        (";x", "http://a/b/c/;x"), ("g;x?y#s", "http://a/b/c/g;x?y"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"),
        ("..", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../g", "http://a/g"),
        ("../../../g", "http://a/g"), ("/./g", "http://a/g"), ("g.", "http://a/b/c/g."), ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"), ("g/./h", "http://a/b/c/g/h"), ("g;x=1/../y", "http://a/b/c/y"),
    ])
    func rfc3986Examples(reference: String, expected: String) throws {
        let base = try HTTPURL(parsing: "http://a/b/c/d;p?q")
        #expect(base.resolving(reference)?.description == expected)
    }

    @Test func baseWithoutTrailingSlashReplacesLastSegment() throws {
        let base = try HTTPURL(parsing: "https://h.example/reg")
        #expect(base.resolving("a/b.yaml")?.description == "https://h.example/a/b.yaml")
    }

    @Test(arguments: ["ftp://x/", "mailto:a@b.example", "http://user:pw@x/", "http://[::1/", "a%zz"])
    func unresolvableReferences(reference: String) throws {
        #expect(try HTTPURL(parsing: "https://h.example/reg/").resolving(reference) == nil)
    }
}
