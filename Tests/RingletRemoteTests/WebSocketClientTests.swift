import Glibc
import RingletRemote
import RingletTestSupport
import RingletWebSocket
import Testing

/// Attaching to the Python double, whose WebSocket side is python3-websockets: an independent check
/// of the handshake, masking, ping/pong and the close handshake.
@Suite(.serialized) struct WebSocketClientTests {
    /// Events until `stop` says enough, waiting on the socket as a caller would; fails after 10 s.
    static func events(_ client: WebSocketClient, until stop: ([WebSocketClient.Event]) -> Bool) throws -> [WebSocketClient.Event] {
        var all: [WebSocketClient.Event] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while !stop(all) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out; got \(all)")
                return all
            }
            if !client.hasPendingInput {
                var entry = pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 100)
            }
            all += try client.receive()
        }
        return all
    }

    static func output(_ events: [WebSocketClient.Event]) -> String {
        String(decoding: events.flatMap { event -> [UInt8] in
            if case let .binary(bytes) = event { return bytes }
            return []
        }, as: UTF8.self)
    }

    @Test func replayEchoResizePongAndExit() throws {
        let server = try DaemonDouble.start()
        let api = try DaemonDouble.api(server)
        let client = try api.attach(DaemonDouble.seededSession)
        var seen = try Self.events(client) { Self.output($0).contains("[pong hi]") }
        #expect(seen.prefix(4) == [.text("{\"type\": \"replay-start\"}"), .binary(Array("replayed output\r\n".utf8)),
                                    .text("{\"type\": \"replay-end\"}"),
                                    .text("{\"type\": \"notice\", \"message\": \"attached to \(DaemonDouble.seededSession)\"}")])

        try client.send(binary: Array("hello\u{1c}".utf8))
        try client.send(text: "{\"type\":\"resize\",\"cols\":120,\"rows\":30}")
        seen = try Self.events(client) { Self.output($0).contains("[resize 120x30]") }
        #expect(Self.output(seen) == "hello\u{1c}[resize 120x30]")
        #expect(try api.session(DaemonDouble.seededSession).attachedClients == 2)

        try client.send(binary: Array("exit 7".utf8))
        seen = try Self.events(client) { $0.contains { if case .closed = $0 { true } else { false } } }
        #expect(seen == [.text("{\"type\": \"exit\", \"code\": 7}"), .closed(code: .normalClosure, reason: "")])
        client.close()
        let session = try api.session(DaemonDouble.seededSession)
        #expect(session.state == "exited" && session.exitCode == 7)
    }

    @Test func detachingClosesWith1000AndLeavesTheSessionRunning() throws {
        let server = try DaemonDouble.start()
        let api = try DaemonDouble.api(server)
        let client = try api.attach(DaemonDouble.seededSession)
        _ = try Self.events(client) { Self.output($0).contains("[pong hi]") }
        client.close()
        // The double records the close once its connection ends, which close() waited for.
        let deadline = ContinuousClock.now + .seconds(5)
        var session = try api.session(DaemonDouble.seededSession)
        while session.attachedClients != 1, ContinuousClock.now < deadline {
            usleep(20_000)
            session = try api.session(DaemonDouble.seededSession)
        }
        #expect(session.attachedClients == 1 && session.state == "running")
        #expect(try DaemonDouble.rawSession(server, DaemonDouble.seededSession)["last_close_code"] as? Int == 1000)
    }

    @Test func theTokenAndTheSessionAreChecked() throws {
        let server = try DaemonDouble.start()
        #expect(throws: RemoteError.rejected(try DaemonDouble.remote(server), status: 401, message: "missing or wrong bearer token")) {
            try DaemonDouble.api(server, token: "wrong").attach(DaemonDouble.seededSession)
        }
        #expect(throws: RemoteError.rejected(try DaemonDouble.remote(server), status: 404, message: "no such session")) {
            try DaemonDouble.api(server).attach("feedface")
        }
    }

    @Test func aDaemonThatSelectsNoSubprotocolIsRefused() throws {
        let server = try DaemonDouble.start(["--no-subprotocol"])
        do {
            _ = try DaemonDouble.api(server).attach(DaemonDouble.seededSession)
            Issue.record("the handshake passed without ringlet.v1")
        } catch let error as RemoteError {
            guard case let .handshakeFailed(_, reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reason.contains("selected no protocol instead of ringlet.v1"), "\(reason)")
        }
    }
}
