import RingletDaemon
import Testing

@Suite struct HTTPRequestParserTests {
    private func parse(_ text: String, limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits()) throws(HTTPParseError) -> [HTTPRequest] {
        var parser = HTTPRequestParser(limits: limits, clientAddress: "127.0.0.1:5555")
        parser.append(Array(text.utf8))
        var requests: [HTTPRequest] = []
        while let request = try parser.next() { requests.append(request) }
        return requests
    }

    private func status(_ text: String, limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits()) -> Int? {
        do throws(HTTPParseError) {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error.status
        }
    }

    @Test func aSimpleRequestHasItsPartsDecoded() throws {
        let requests = try parse("GET /sessions/a%20b?x=1&name=J%C3%B6rg+D&flag HTTP/1.1\r\nHost: localhost:8765\r\nX-Many: 1\r\nx-many: 2\r\n\r\n")
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/sessions/a b")
        #expect(request.target == "/sessions/a%20b?x=1&name=J%C3%B6rg+D&flag")
        #expect(request.queryItems.map(\.name) == ["x", "name", "flag"])
        #expect(request.queryValue("name") == "Jörg D")
        #expect(request.queryValue("flag") == "")
        #expect(request.headers["HOST"] == "localhost:8765")
        #expect(request.headers.values("X-MANY") == ["1", "2"])
        #expect(request.minorVersion == 1 && request.keepsAlive)
        #expect(request.clientAddress == "127.0.0.1:5555" && request.clientIP == "127.0.0.1")
        #expect(request.body.isEmpty)
    }

    @Test func bytesArrivingOneAtATimeMakeTheSameRequests() throws {
        let text = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
        var parser = HTTPRequestParser()
        var requests: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            while let request = try parser.next() { requests.append(request) }
        }
        #expect(requests.map(\.path) == ["/a", "/b"])
        #expect(requests.first?.body == Array("hello".utf8))
        #expect(!parser.hasPartialRequest)
    }

    @Test func partialRequestsAreReported() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nab".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest && parser.isReceivingBody)
        parser.append([UInt8(ascii: "c"), UInt8(ascii: "X")])
        #expect(try parser.next()?.body == Array("abc".utf8))
        #expect(parser.takeBuffered() == [UInt8(ascii: "X")])
    }

    @Test func leadingEmptyLinesAreIgnored() throws {
        #expect(try parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").count == 1)
    }

    @Test func connectionOptionsDecideKeepAlive() throws {
        #expect(try parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").first?.keepsAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\n\r\n").first?.keepsAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first?.keepsAlive == true)
    }

    @Test func malformedRequestsAreRefusedWith400() {
        for text in [
            "GET /\r\nHost: h\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
            "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTX/1.1\r\nHost: h\r\n\r\n",
            "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /%00 HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /?a=%G1 HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nName : x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\nA: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nA: b\u{1}c\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nab",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            #expect(status(text) == 400, "\(text.debugDescription)")
        }
    }

    @Test func repeatedEqualContentLengthsAreOneLength() throws {
        let request = try parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab").first
        #expect(request?.body == Array("ab".utf8))
    }

    @Test func transferEncodingIsNotImplemented() {
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") == 411)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501)
    }

    @Test func otherHTTPVersionsAre505() {
        #expect(status("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505)
    }

    @Test func everyLimitHasItsStatus() {
        var limits = HTTPRequestParser.Limits()
        limits.requestLineBytes = 64
        limits.headerBytes = 128
        limits.headerCount = 3
        limits.bodyBytes = 10
        let long = String(repeating: "a", count: 100)
        #expect(status("GET /\(long) HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits) == 414)
        #expect(status("GET /\(long)", limits: limits) == 414, "refused before the line ends")
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nA: \(long)\r\nB: \(long)\r\n\r\n", limits: limits) == 431)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nA: \(long)\r\nB: \(long)", limits: limits) == 431, "refused before the head ends")
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == 431)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", limits: limits) == 413)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits) == nil)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) == nil)
    }

    @Test func theDefaultLimitsAreTheDocumentedOnes() {
        let limits = HTTPRequestParser.Limits()
        #expect(limits.requestLineBytes == 8192 && limits.headerBytes == 16384 && limits.headerCount == 100 && limits.bodyBytes == 1 << 20)
        #expect(status("GET /\(String(repeating: "a", count: 8200)) HTTP/1.1\r\nHost: h\r\n\r\n") == 414)
        let headers = (0..<101).map { "X-\($0): 1\r\n" }.joined()
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\n\(headers)\r\n") == 431)
    }

    @Test func aRefusedParserStaysRefused() {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }
}
