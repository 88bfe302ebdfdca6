import Foundation
import RingletHTTP
import Testing

@Suite struct HTTPClientTests {
    let client = HTTPClient(timeout: .seconds(20), userAgent: "ringlet-test/1")

    @Test func contentLengthBody() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/hello"))
            #expect(response.status == 200)
            #expect(response.isSuccess)
            #expect(response.reason == "OK")
            #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("CONTENT-LENGTH") == "11")
            #expect(response.header("X-Absent") == nil)
        }
    }

    @Test func requestCarriesTheExpectedHeaders() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/echo?name=a%20b&x"))
            let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let headers = echo?["headers"] as? [String: String]
            #expect(echo?["target"] as? String == "/echo?name=a%20b&x")
            #expect(headers?["host"] == "127.0.0.1:\(server.port)")
            #expect(headers?["user-agent"] == "ringlet-test/1")
            #expect(headers?["accept-encoding"] == "identity")
            #expect(headers?["connection"] == "close")
        }
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/chunked"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
            #expect(response.header("X-Trailer") == nil)
        }
    }

    @Test func closeDelimitedBody() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/close"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "until the end")
        }
    }

    @Test func errorStatusIsAResponse() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/missing"))
            #expect(response.status == 404)
            #expect(!response.isSuccess)
            #expect(String(decoding: response.body, as: UTF8.self) == "not here")
        }
    }

    @Test func interimResponsesAndFoldedHeaders() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/interim"))
            #expect(response.status == 200)
            #expect(response.header("X-Folded") == "first second")
            #expect(response.header("Link") == nil)
            #expect(response.body == Array("ok".utf8))
            #expect(try client.get(server.url("/no-content")).status == 204)
        }
    }

    @Test func followsAbsoluteAndRelativeRedirects() throws {
        try TestServer.with { server in
            let response = try client.get(server.url("/redirect/absolute"))
            let expected = try server.url("/hello")
            #expect(response.status == 200)
            #expect(response.url == expected)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
        }
    }

    @Test func redirectLoopIsAnError() throws {
        try TestServer.with { server in
            let url = try server.url("/loop/a")
            #expect(throws: HTTPClientError.redirectLoop(url)) {
                try client.get(url)
            }
        }
    }

    @Test func redirectLimit() throws {
        try TestServer.with { server in
            let client = HTTPClient(timeout: .seconds(20), maxRedirects: 3)
            #expect(try client.get(server.url("/chain?3")).body == Array("done".utf8))
            let url = try server.url("/chain?4")
            #expect(throws: HTTPClientError.tooManyRedirects(url, limit: 3)) {
                try client.get(url)
            }
        }
    }

    @Test(arguments: ["length", "chunked", "close"])
    func bodyLimit(mode: String) throws {
        try TestServer.with { server in
            let client = HTTPClient(timeout: .seconds(20), maxBodyBytes: 1000)
            #expect(try client.get(server.url("/big?\(mode),1000")).body.count == 1000)
            let url = try server.url("/big?\(mode),5000")
            #expect(throws: HTTPClientError.bodyTooLarge(url, limit: 1000)) {
                try client.get(url)
            }
        }
    }

    @Test(arguments: [
        ("/garbage", "malformed"), ("/bad-chunk", "malformed"), ("/conflicting-length", "malformed"),
        ("/gzip-transfer", "malformed"), ("/truncated", "truncated"), ("/truncated-chunk", "truncated"),
        ("/huge-headers", "headers"), ("/many-headers", "headers"),
    ])
    func brokenResponsesAreRejected(path: String, kind: String) throws {
        try TestServer.with { server in
            let url = try server.url(path)
            let error = #expect(throws: HTTPClientError.self) { try client.get(url) }
            switch (kind, error) {
            case ("malformed", .malformedResponse(url, _)?), ("truncated", .truncatedResponse(url, _)?),
                 ("headers", .headersTooLarge(url, limit: 65536)?):
                break
            default:
                Issue.record("\(path): expected a \(kind) error, got \(String(describing: error))")
            }
        }
    }

    @Test func connectionRefused() throws {
        let url = try HTTPURL(parsing: "http://127.0.0.1:\(SilentListener.closedPort())/file")
        let error = #expect(throws: HTTPClientError.self) { try client.get(url) }
        #expect(error == .cannotConnect(url, reason: "connection refused"))
        #expect(error?.description == "cannot connect to 127.0.0.1:\(url.port) (connection refused): is the server running?")
    }

    @Test func serverThatNeverAnswersTimesOut() throws {
        let listener = SilentListener()
        let url = try HTTPURL(parsing: "http://127.0.0.1:\(listener.port)/file")
        let started = ContinuousClock.now
        #expect(throws: HTTPClientError.timedOut(url, after: .seconds(1), stage: .receivingResponse)) {
            try HTTPClient(timeout: .seconds(1)).get(url)
        }
        // Only "it did not hang": the bound is generous for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func unknownHostCannotBeResolved() throws {
        let url = try HTTPURL(parsing: "http://no-such-host.invalid/")
        let error = #expect(throws: HTTPClientError.self) { try client.get(url) }
        guard case .cannotResolve(host: "no-such-host.invalid", _)? = error else {
            Issue.record("expected cannotResolve, got \(String(describing: error))")
            return
        }
    }
}
