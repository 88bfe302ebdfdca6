import Foundation
import RingletDaemon
import RingletSystem
import RingletTestSupport
import RingletWebSocket
import Synchronization
import Testing

/// Echoes what it gets; `close-me` makes the server close, `flood` makes it queue 16 MiB.
final class EchoDelegate: WebSocketDelegate {
    let log: EventLog

    init(log: EventLog) {
        self.log = log
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText message: String) {
        switch message {
        case "close-me":
            connection.close(code: WebSocketCloseCode(rawValue: 4000), reason: "asked")
        case "flood":
            for _ in 0..<256 { connection.send(binary: [UInt8](repeating: 7, count: 65536)) }
            let buffered = connection.bufferedBytes
            log.append("buffered \(buffered)")
        default:
            connection.send(text: message)
        }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary message: [UInt8]) {
        connection.send(binary: message)
    }

    func webSocketDidDrain(_ connection: WebSocketConnection) {
        log.append("drained")
    }

    func webSocket(_ connection: WebSocketConnection, didCloseWith code: WebSocketCloseCode, reason: String) {
        log.append("closed \(code.rawValue) \(reason)")
    }
}

/// What the delegates saw, shared with the test thread.
final class EventLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// A WebSocket echo server behind the token check, as the daemon wires one.
final class EchoServer: @unchecked Sendable {
    let token = DaemonToken(String(repeating: "c3", count: 32))
    let log = EventLog()
    let harness: ServerHarness

    init(limits: HTTPServer.Limits = HTTPServer.Limits()) throws {
        let token = self.token, log = self.log
        let authenticator = RequestAuthenticator()
        harness = try ServerHarness(limits: limits, handler: { request, responder in
            switch authenticator.authenticate(request, token: token) {
            case .allowed(_, let subprotocol):
                guard request.isWebSocketUpgrade else { return responder.respond(.json(200, ["ok": true])) }
                _ = responder.upgrade(protocol: subprotocol, delegate: EchoDelegate(log: log))
            case let refused:
                responder.respond(refused.response!)
            }
        })
    }

    var port: Int { harness.port }
    var entries: [String] { log.all }

    /// A raw connection past the handshake.
    func rawWebSocket() throws -> RawClient {
        let client = try RawClient(port: port)
        client.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: ringlet.v1, bearer.\(token.value)\r\n\r\n")
        let response = try #require(client.readResponse(bodyless: true))
        #expect(response.status == 101)
        #expect(response.head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        #expect(response.head.contains("Sec-WebSocket-Protocol: ringlet.v1\r") || response.head.hasSuffix("Sec-WebSocket-Protocol: ringlet.v1"))
        return client
    }
}

/// A client frame, masked unless told otherwise.
func clientFrame(opcode: UInt8, _ payload: [UInt8], masked: Bool = true, fin: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
    var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
    let maskBit: UInt8 = masked ? 0x80 : 0
    if payload.count < 126 {
        bytes.append(maskBit | UInt8(payload.count))
    } else {
        bytes.append(maskBit | 126)
        bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    }
    guard masked else { return bytes + payload }
    let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
    return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
}

extension RawClient {
    /// The next server frame (never masked), as opcode and payload.
    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        guard let header = read(2) else { return nil }
        var length = Int(header[1] & 0x7F)
        if length == 126 {
            guard let extended = read(2) else { return nil }
            length = Int(extended[0]) << 8 | Int(extended[1])
        } else if length == 127 {
            guard let extended = read(8) else { return nil }
            length = extended.reduce(0) { $0 << 8 | Int($1) }
        }
        guard let payload = read(length) else { return nil }
        return (header[0] & 0x0F, payload)
    }

    /// The close code in the next frame, which must be a close frame.
    func readCloseCode() -> UInt16? {
        guard let frame = readFrame(), frame.opcode == 0x8, frame.payload.count >= 2 else { return nil }
        return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
    }
}

@Suite struct WebSocketServerTests {
    /// Debian's python3-websockets; the first python3 on PATH may lack it.
    static let clientScript = """
    import asyncio, json, sys, websockets
    port, token = sys.argv[1], sys.argv[2]
    uri = f"ws://127.0.0.1:{port}/ws"
    offer = ["ringlet.v1", "bearer." + token]
    async def main():
        out = {}
        async with websockets.connect(uri, subprotocols=offer, max_size=None) as ws:
            out["subprotocol"] = ws.subprotocol
            await ws.send("hello")
            out["text"] = await ws.recv()
            await ws.send(b"\\x00\\x01\\xff")
            out["binary"] = list(await ws.recv())
            await ws.send(["frag", "mented ", "message"])
            out["fragmented"] = await ws.recv()
            waiter = await ws.ping(b"are you there")
            await asyncio.wait_for(waiter, 10)
            out["pong"] = True
            await ws.close(code=1000, reason="bye")
            out["close_code"] = ws.close_code
        async with websockets.connect(uri, subprotocols=offer) as ws:
            await ws.send("close-me")
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.ConnectionClosed as closed:
                out["server_close"] = [closed.rcvd.code, closed.rcvd.reason]
        try:
            async with websockets.connect(uri, subprotocols=["ringlet.v1", "bearer.wrong"]):
                out["wrong_token"] = "open"
        except websockets.InvalidStatusCode as refused:
            out["wrong_token"] = refused.status_code
        print(json.dumps(out))
    asyncio.run(main())
    """

    struct ClientReport: Decodable {
        var subprotocol: String
        var text: String
        var binary: [UInt8]
        var fragmented: String
        var pong: Bool
        var close_code: Int
        var server_close: [JSONValue]
        var wrong_token: Int
    }

    enum JSONValue: Decodable, Equatable {
        case number(Int), text(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }
    }

    @Test func anIndependentClientGetsEchoesFragmentsPingsAndBothCloseHandshakes() throws {
        let server = try EchoServer()
        let result = try ProcessRunner.run("/usr/bin/python3", ["-c", Self.clientScript, String(server.port), server.token.value])
        #expect(result.status == 0, "\(result)")
        let report = try JSONDecoder().decode(ClientReport.self, from: Data(result.stdout.utf8))
        #expect(report.subprotocol == "ringlet.v1")
        #expect(report.text == "hello")
        #expect(report.binary == [0, 1, 255])
        #expect(report.fragmented == "fragmented message")
        #expect(report.pong)
        #expect(report.close_code == 1000)
        #expect(report.server_close == [.number(4000), .text("asked")])
        #expect(report.wrong_token == 401)
        #expect(eventually { server.entries.sorted() == ["closed 1000 bye", "closed 4000 asked"] }, "\(server.entries)")
    }

    @Test func anUnmaskedFrameClosesThatConnectionWith1002AndOthersCarryOn() throws {
        let server = try EchoServer()
        let bad = try server.rawWebSocket(), good = try server.rawWebSocket()
        good.send(clientFrame(opcode: 0x1, Array("first".utf8)))
        #expect(good.readFrame()?.payload == Array("first".utf8))
        bad.send(clientFrame(opcode: 0x1, Array("hi".utf8), masked: false))
        #expect(bad.readCloseCode() == 1002)
        #expect(bad.isClosedByServer())
        good.send(clientFrame(opcode: 0x1, Array("second".utf8)))
        #expect(good.readFrame()?.payload == Array("second".utf8))
        #expect(eventually { server.entries.contains { $0.hasPrefix("closed 1002") } })
    }

    @Test func protocolErrorsCloseWithTheirCodes() throws {
        var limits = HTTPServer.Limits()
        limits.webSocket.maxMessageSize = 1024
        let server = try EchoServer(limits: limits)
        let cases: [([UInt8], UInt16)] = [
            (clientFrame(opcode: 0x2, [UInt8](repeating: 1, count: 2000)), 1009),
            (clientFrame(opcode: 0x1, [0xC3, 0x28]), 1007),
            (clientFrame(opcode: 0x1, Array("x".utf8), rsv: 0x40), 1002),
            (clientFrame(opcode: 0x3, []), 1002),
        ]
        for (frame, code) in cases {
            let client = try server.rawWebSocket()
            client.send(frame)
            #expect(client.readCloseCode() == code)
            #expect(client.isClosedByServer())
        }
        // The size limit holds across fragments too.
        let client = try server.rawWebSocket()
        client.send(clientFrame(opcode: 0x2, [UInt8](repeating: 1, count: 1000), fin: false))
        client.send(clientFrame(opcode: 0x0, [UInt8](repeating: 1, count: 100)))
        #expect(client.readCloseCode() == 1009)
    }

    @Test func pingsAreAnsweredAndSilentClientsDropped() throws {
        var limits = HTTPServer.Limits()
        limits.webSocket.pingInterval = .seconds(1)
        let server = try EchoServer(limits: limits)
        let client = try server.rawWebSocket()
        client.send(clientFrame(opcode: 0x9, Array("p".utf8)))
        let pong = client.readFrame()
        #expect(pong?.opcode == 0xA && pong?.payload == Array("p".utf8))
        #expect(client.readFrame()?.opcode == 0x9, "the server pings")
        _ = client.readToEnd()
        #expect(eventually { server.entries.contains { $0.hasPrefix("closed 1006") } }, "\(server.entries)")
    }

    @Test func aSlowReaderSeesBackPressureAndThenADrain() throws {
        let server = try EchoServer()
        let client = try server.rawWebSocket()
        client.send(clientFrame(opcode: 0x1, Array("flood".utf8)))
        #expect(eventually { server.entries.contains { $0.hasPrefix("buffered") } })
        let buffered = server.entries.first { $0.hasPrefix("buffered") }.flatMap { Int($0.dropFirst(9)) } ?? 0
        #expect(buffered > 256 << 10, "16 MiB cannot all fit in loopback socket buffers")
        for _ in 0..<256 {
            guard let frame = client.readFrame() else { Issue.record("the stream ended early"); break }
            #expect(frame.opcode == 0x2 && frame.payload.count == 65536)
        }
        #expect(eventually { server.entries.contains("drained") })
    }

    @Test func aClientThatReadsNothingIsDroppedAfterTheWriteTimeout() throws {
        var limits = HTTPServer.Limits()
        limits.writeTimeout = .seconds(1)
        let server = try EchoServer(limits: limits)
        let client = try server.rawWebSocket()
        client.send(clientFrame(opcode: 0x1, Array("flood".utf8)))
        #expect(eventually { server.entries.contains { $0.hasPrefix("closed 1006") && $0.contains("did not read") } }, "\(server.entries)")
        #expect(server.harness.onLoop { server.harness.server.connectionCount } == 0)
    }

    @Test func aCloseTheClientNeverAnswersIsDroppedAfterTheTimeout() throws {
        var limits = HTTPServer.Limits()
        limits.webSocket.closeTimeout = .seconds(1)
        let server = try EchoServer(limits: limits)
        let client = try server.rawWebSocket()
        client.send(clientFrame(opcode: 0x1, Array("close-me".utf8)))
        #expect(client.readCloseCode() == 4000)
        #expect(client.isClosedByServer(), "dropped without the client's close")
        #expect(eventually { server.entries.contains("closed 4000 asked") })
    }

    @Test func framesSentWithTheHandshakeAreNotLost() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        client.send(Array(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: ringlet.v1, bearer.\(server.token.value)\r\n\r\n").utf8) + clientFrame(opcode: 0x1, Array("early".utf8)))
        #expect(client.readResponse(bodyless: true)?.status == 101)
        #expect(client.readFrame()?.payload == Array("early".utf8))
    }

    @Test func badUpgradeRequestsGetHTTPErrors() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        client.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
            + "Sec-WebSocket-Protocol: ringlet.v1, bearer.\(server.token.value)\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 426 && response.head.contains("Sec-WebSocket-Version: 13"))
        let foreign = try RawClient(port: server.port)
        foreign.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: ringlet.v1, bearer.\(server.token.value)\r\n\r\n")
        let refused = try #require(foreign.readResponse())
        #expect(refused.status == 403 && refused.text.contains("foreign Origin"))
    }
}
