import Foundation
import RingletProxy
import RingletTestSupport
import Testing

/// Absolute-form HTTP through the proxy to a Python server that answers with what it received.
@Suite struct PlainHTTPForwardTests {
    @Test func aGetIsForwardedWithHopByHopHeadersRemovedAndHostFromTheURL() throws {
        let world = try EchoBehindProxy()
        let seen = try Curl.echoed(through: world.proxy, world.base + "/some/path?q=1&r=two#fragment", [
            "-H", "Connection: keep-alive, X-Hop-Secret", "-H", "X-Hop-Secret: listed in Connection",
            "-H", "Keep-Alive: timeout=5", "-H", "Proxy-Authorization: Basic dXNlcjpwYXNz", "-H", "TE: trailers",
            "-H", "Trailer: X-Checksum", "-H", "Upgrade: h2c", "-H", "X-Kept: yes", "-H", "Authorization: Bearer for-the-origin",
            "-A", "ringlet-test",
        ])
        #expect(seen.method == "GET")
        #expect(seen.path == "/some/path?q=1&r=two")
        #expect(seen.version == "HTTP/1.1")
        #expect(seen.values("host") == ["web.test:\(world.echo.port)"])
        #expect(seen.values("connection") == ["close"])
        for removed in ["keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "upgrade", "x-hop-secret", "transfer-encoding"] {
            #expect(!seen.headerNames.contains(removed), "\(removed) must not be forwarded: \(seen.headers)")
        }
        #expect(seen.values("x-kept") == ["yes"])
        #expect(seen.values("authorization") == ["Bearer for-the-origin"], "end-to-end headers pass")
        #expect(seen.values("user-agent") == ["ringlet-test"])

        let decision = try world.proxy.onlyDecision()
        #expect(decision.method == "GET" && decision.verdict == .allowed && decision.host == "web.test" && decision.port == world.echo.port)
        #expect(decision.address == "127.0.0.1")
        #expect(decision.bytesUp > 0 && decision.bytesDown > 0)
    }

    @Test func theDecisionIsMadeOnTheURLNeverOnTheHostHeader() throws {
        let world = try EchoBehindProxy()
        let spoofedHost = try Curl.echoed(through: world.proxy, world.base + "/", ["-H", "Host: denied.test"])
        #expect(spoofedHost.values("host") == ["web.test:\(world.echo.port)"], "Host comes from the URL")
        let allowed = try world.proxy.onlyDecision()
        #expect(allowed.verdict == .allowed && allowed.host == "web.test")
        #expect(world.proxy.resolver.queries == ["web.test"])

        let denied = try world.proxy.exchange("GET http://denied.test:\(world.echo.port)/ HTTP/1.1\r\nHost: web.test:\(world.echo.port)\r\n\r\n")
        #expect(denied.status == 403 && denied.headers["x-ringlet-deny"] == "not-allowed", "\(denied)")
        #expect(denied.body.contains("denied.test"), "\(denied.body)")
        #expect(world.proxy.decisions(atLeast: 2).last?.host == "denied.test")
        #expect(world.proxy.resolver.queries == ["web.test"], "denied.test was never resolved")

        let userinfo = try world.proxy.exchange("GET http://web.test:\(world.echo.port)@denied.test/ HTTP/1.1\r\nHost: web.test\r\n\r\n")
        #expect([400, 403].contains(userinfo.status), "a URL with userinfo never reaches web.test's rule: \(userinfo)")
        #expect(world.proxy.resolver.queries == ["web.test"])
    }

    @Test func aPostBodyWithContentLengthIsForwardedIntact() throws {
        let world = try EchoBehindProxy()
        let body = (0 ..< 300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let file = world.proxy.folder.file("body.bin")
        try Data(body).write(to: URL(fileURLWithPath: file))
        let seen = try Curl.echoed(through: world.proxy, world.base + "/upload", [
            "--data-binary", "@\(file)", "-H", "Content-Type: application/octet-stream", "-H", "Expect:",
        ])
        #expect(seen.method == "POST")
        #expect(seen.values("content-length") == ["\(body.count)"])
        #expect(seen.body == String(body.map { Character(Unicode.Scalar($0)) }), "every byte arrives, in order")
        #expect(try world.proxy.onlyDecision().bytesUp > body.count)
    }

    @Test func aChunkedRequestBodyIsRefusedWith411() throws {
        let world = try EchoBehindProxy()
        let result = try Curl.run(["-x", world.proxy.url, "-i", "-H", "Transfer-Encoding: chunked", "--data-binary", "hello",
                                   world.base + "/upload"])
        let response = try #require(RawResponse(Array(result.stdout.utf8)), "\(result)")
        #expect(response.status == 411, "\(response)")
        #expect(response.headers["x-ringlet-deny"] == "length-required")
        #expect(response.body.contains("Content-Length"), "\(response.body)")
        #expect(try world.proxy.onlyDecision().rule == "length-required")
    }

    @Test(arguments: [
        ("GET /path HTTP/1.1\r\nHost: web.test\r\n\r\n", "absolute URL"),
        ("GET https://web.test/ HTTP/1.1\r\nHost: web.test\r\n\r\n", "use CONNECT for https"),
        ("GET ftp://web.test/ HTTP/1.1\r\n\r\n", "absolute URL"),
        ("GET http:///nohost HTTP/1.1\r\n\r\n", "invalid URL host"),
        ("GET http://web.test HTTP/2.0\r\n\r\n", "request line"),
        ("GET\r\n\r\n", "request line"),
        ("CONNECT web.test HTTP/1.1\r\n\r\n", "host:port"),
        ("GET http://web.test/ HTTP/1.1\r\nno colon here\r\n\r\n", "header line"),
        ("GET http://web.test/\u{1} HTTP/1.1\r\n\r\n", "control characters"),
    ])
    func requestsThatAreNotProxyRequestsGet400(_ request: String, _ reason: String) throws {
        let world = try EchoBehindProxy()
        let response = try world.proxy.exchange(request)
        #expect(response.status == 400, "\(response)")
        #expect(response.headers["x-ringlet-deny"] == "malformed")
        #expect(response.body.contains(reason), "\(response.body)")
        #expect(world.proxy.resolver.queries.isEmpty)
        #expect(try world.proxy.onlyDecision().status == 400)
    }

    /// RFC 9112 §6.3: differing or invalid Content-Length values make the framing invalid; a server MUST
    /// answer 400 and close, never forward a length it did not understand.
    @Test(arguments: ["Content-Length: abc", "Content-Length: +5", "Content-Length: 5, 100", "Content-Length: 0x5",
                      "Content-Length: 5\r\nContent-Length: 100"])
    func anInvalidContentLengthIsRefusedWith400(_ header: String) throws {
        let world = try EchoBehindProxy()
        let response = try world.proxy.client().exchange("POST http://web.test:\(world.echo.port)/ HTTP/1.1\r\n\(header)\r\n\r\nhello")
        #expect(response?.status == 400, "\(String(describing: response))")
        #expect(try world.proxy.onlyDecision().rule == "malformed")
    }

    @Test func everyMethodIsForwardedWithItsOriginFormPath() throws {
        let world = try EchoBehindProxy()
        for method in ["PUT", "DELETE", "PATCH", "OPTIONS"] {
            let seen = try Curl.echoed(through: world.proxy, world.base + "/m/\(method)", ["-X", method])
            #expect(seen.method == method && seen.path == "/m/\(method)")
        }
        let root = try world.proxy.exchange("GET http://web.test:\(world.echo.port)?q=1 HTTP/1.1\r\n\r\n")
        #expect(try EchoedRequest(json: root.body).path == "/?q=1", "an empty path becomes /")
    }
}
