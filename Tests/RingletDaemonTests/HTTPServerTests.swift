import Glibc
import RingletDaemon
import RingletSystem
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    @Test func twoRequestsShareOneKeptAliveConnection() throws {
        let harness = try ServerHarness(handler: echoHandler)
        let client = try RawClient(port: harness.port)
        client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try #require(client.readResponse())
        #expect(first.status == 200 && first.text == "GET /one ")
        #expect(first.head.contains("Server: ringlet"))
        #expect(!first.head.contains("Connection: close"))
        client.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody")
        let second = try #require(client.readResponse())
        #expect(second.text == "POST /two body")
    }

    /// Answers `/slow` from another thread after a pause, everything else at once.
    private static func slowAndFast(_ loop: EventLoop) -> HTTPServer.Handler {
        { request, responder in
            guard request.path == "/slow" else { return echoHandler(request, responder) }
            DetachedThread.start {
                usleep(300_000)
                loop.execute { responder.respond(HTTPServerResponse(status: 200, body: Array("slow".utf8))) }
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsAnsweredLater() throws {
        let harness = try ServerHarness(makeHandler: Self.slowAndFast)
        let client = try RawClient(port: harness.port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.text == "slow")
        #expect(client.readResponse()?.text == "GET /fast ")
        #expect(client.readResponse()?.text == "GET /last ")
    }

    @Test func anAnswerForAConnectionThatClosedIsDropped() throws {
        let answered = Mutex<[String]>([])
        let harness = try ServerHarness { loop in
            { request, responder in
                guard request.path == "/slow" else { return echoHandler(request, responder) }
                DetachedThread.start {
                    usleep(300_000)
                    loop.execute {
                        responder.respond(.error(500, "too late"))
                        answered.withLock { $0.append("late") }
                    }
                }
            }
        }
        let client = try RawClient(port: harness.port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        client.close()
        #expect(eventually { answered.withLock { $0 } == ["late"] })
        let next = try RawClient(port: harness.port)
        next.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(next.readResponse()?.text == "GET /after ", "the server carries on")
    }

    @Test func connectionCloseAndHTTP10AreHonoured() throws {
        let harness = try ServerHarness(handler: echoHandler)
        let client = try RawClient(port: harness.port)
        client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.text == "GET /a " && response.head.contains("Connection: close"))
        #expect(client.isClosedByServer())

        let old = try RawClient(port: harness.port)
        old.send("GET /b HTTP/1.0\r\n\r\n")
        #expect(old.readResponse()?.text == "GET /b ")
        #expect(old.isClosedByServer())
    }

    @Test func malformedAndOversizedRequestsGetTheirStatusAndAClose() throws {
        var limits = HTTPServer.Limits()
        limits.request.bodyBytes = 1000
        let harness = try ServerHarness(limits: limits, handler: echoHandler)
        for (text, status) in [
            ("NONSENSE\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413),
            ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ] {
            let client = try RawClient(port: harness.port)
            client.send(text)
            let response = try #require(client.readResponse())
            #expect(response.status == status, "\(text.debugDescription)")
            #expect(response.text.hasPrefix("{\"error\":"))
            #expect(client.isClosedByServer())
        }
    }

    @Test func aHeadThatDoesNotArriveInTimeGets408() throws {
        var limits = HTTPServer.Limits()
        limits.headTimeout = .seconds(1)
        let harness = try ServerHarness(limits: limits, handler: echoHandler)
        let client = try RawClient(port: harness.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n")
        usleep(300_000)
        client.send("X-Slow: 1\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 408)
        #expect(client.isClosedByServer())
    }

    @Test func anIdleConnectionIsClosed() throws {
        var limits = HTTPServer.Limits()
        limits.idleTimeout = .seconds(1)
        let harness = try ServerHarness(limits: limits, handler: echoHandler)
        let client = try RawClient(port: harness.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(client.isClosedByServer(), "closed without an answer once idle")
    }

    @Test func connectionsBeyondTheLimitAreClosedAtOnce() throws {
        var limits = HTTPServer.Limits()
        limits.maxConnections = 2
        let harness = try ServerHarness(limits: limits, handler: echoHandler)
        let first = try RawClient(port: harness.port), second = try RawClient(port: harness.port)
        for client in [first, second] {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
        let third = try RawClient(port: harness.port)
        third.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(third.isClosedByServer())
        first.close()
        #expect(eventually { harness.onLoop { harness.server.connectionCount } == 1 })
        let fourth = try RawClient(port: harness.port)
        fourth.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(fourth.readResponse()?.status == 200)
    }

    @Test func aClientExpecting100ContinueGetsIt() throws {
        let harness = try ServerHarness(handler: echoHandler)
        let client = try RawClient(port: harness.port)
        client.send("PUT /file HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(client.readResponse(bodyless: true)?.status == 100)
        client.send("data")
        #expect(client.readResponse()?.text == "PUT /file data")
    }

    @Test func headAnswersCarryTheLengthButNoBody() throws {
        let harness = try ServerHarness { _, responder in responder.respond(.json(200, ["ok": true])) }
        let client = try RawClient(port: harness.port)
        client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(client.readResponse(bodyless: true))
        #expect(head.head.contains("Content-Length: 11"))
        let get = try #require(client.readResponse())
        #expect(get.text == "{\"ok\":true}" && get.head.contains("Content-Type: application/json"))
    }

    @Test func ipv6AndTheBoundAddressWork() throws {
        let harness = try ServerHarness(address: "[::1]:0", handler: echoHandler)
        #expect(harness.server.boundAddress.hasPrefix("[::1]:") && harness.port > 0)
        let client = try RawClient(port: harness.port, host: "::1")
        client.send("GET /v6 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.text == "GET /v6 ")
    }

    @Test func badAddressesAndBusyPortsAreClearErrors() throws {
        let loop = try EventLoop()
        for address in ["localhost:80", "127.0.0.1", "1.2.3:80", "[::1:80", "::1:80"] {
            #expect(throws: DaemonError.self, "\(address)") { try HTTPServer(address: address, loop: loop, handler: echoHandler) }
        }
        let first = try HTTPServer(address: "127.0.0.1:0", loop: loop, handler: echoHandler)
        defer { first.close() }
        do {
            _ = try HTTPServer(address: first.boundAddress, loop: loop, handler: echoHandler)
            Issue.record("a busy port was bound twice")
        } catch {
            #expect(error.description.contains("another process"))
        }
    }

    @Test func theClientAddressAndRequestPartsReachTheHandler() throws {
        let seen = Mutex<HTTPRequest?>(nil)
        let harness = try ServerHarness { request, responder in
            seen.withLock { $0 = request }
            responder.respond(HTTPServerResponse(status: 204))
        }
        let client = try RawClient(port: harness.port)
        client.send("DELETE /sessions/a%2Fb?force=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse(bodyless: true)?.status == 204)
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "DELETE" && request.path == "/sessions/a/b" && request.queryValue("force") == "1")
        #expect(request.clientAddress.hasPrefix("127.0.0.1:") && !request.isTLS)
    }
}
