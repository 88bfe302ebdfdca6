import RingletAPI
@testable import RingletRemote
import RingletTerminal
import RingletWebSocket
import Testing

/// The masking rule from both ends: a client decoder takes unmasked server frames and refuses masked
/// ones, a server decoder the opposite; and what the client sends is masked as RFC 6455 shows.
@Suite struct ClientFramingTests {
    @Test func clientDecoderAcceptsUnmaskedServerFrames() throws {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 1 << 20, role: .client)
        let large = [UInt8](repeating: 7, count: 70_000)
        decoder.append(WebSocketFrameEncoder.text("{\"type\":\"replay-start\"}") + WebSocketFrameEncoder.binary(large)
            + WebSocketFrameEncoder.ping([1]) + WebSocketFrameEncoder.close(code: .normalClosure))
        #expect(try decoder.next() == .text("{\"type\":\"replay-start\"}"))
        #expect(try decoder.next() == .binary(large))
        #expect(try decoder.next() == .ping([1]))
        #expect(try decoder.next() == .close(code: .normalClosure, reason: ""))
    }

    @Test func clientDecoderRefusesMaskedFrames() {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 1 << 20, role: .client)
        decoder.append(ClientFrameEncoder.masked(WebSocketFrameEncoder.binary([1, 2, 3])))
        #expect(throws: WebSocketError.maskedFrame) { try decoder.next() }
        #expect(WebSocketError.maskedFrame.closeCode == .protocolError)
    }

    @Test func serverDecoderRefusesUnmaskedFramesAndTakesTheClients() throws {
        var server = WebSocketFrameDecoder(maxMessageSize: 1 << 20)
        #expect(server.role == .server)
        server.append(WebSocketFrameEncoder.binary([1, 2, 3]))
        #expect(throws: WebSocketError.unmaskedFrame) { try server.next() }

        var fresh = WebSocketFrameDecoder(maxMessageSize: 1 << 20, role: .server)
        let payload = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        fresh.append(ClientFrameEncoder.masked(WebSocketFrameEncoder.binary(payload)) + ClientFrameEncoder.masked(WebSocketFrameEncoder.close(code: .goingAway)))
        #expect(try fresh.next() == .binary(payload))
        #expect(try fresh.next() == .close(code: .goingAway, reason: ""))
    }

    @Test func maskingMatchesTheRFCExample() {
        // RFC 6455 section 5.7: a masked "Hello".
        #expect(ClientFrameEncoder.masked(WebSocketFrameEncoder.text("Hello"), key: [0x37, 0xFA, 0x21, 0x3D])
            == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func eachFrameGetsAFreshKey() {
        let keys = Set((0..<8).map { _ in Array(ClientFrameEncoder.masked(WebSocketFrameEncoder.binary([0]))[2..<6]) })
        #expect(keys.count > 1)
    }

    @Test func controlMessages() {
        #expect(RemoteControlMessage(parsing: "{\"type\":\"exit\",\"code\":3}") == .exit(code: 3))
        #expect(RemoteControlMessage(parsing: "{\"type\":\"exit\",\"code\":null}") == .exit(code: nil))
        #expect(RemoteControlMessage(parsing: "{\"type\":\"notice\",\"message\":\"hi\"}") == .notice("hi"))
        #expect(RemoteControlMessage(parsing: "{\"type\":\"replay-start\"}") == .replayStart)
        #expect(RemoteControlMessage(parsing: "{\"type\":\"future\"}") == .other("future"))
        #expect(RemoteControlMessage(parsing: "not json") == nil)
        #expect(RemoteControlMessage.resize(.init(rows: 30, columns: 120)) == "{\"type\":\"resize\",\"cols\":120,\"rows\":30}")
    }

    @Test func uptimes() {
        #expect([0, 45, 192, 3599, 7500, 90000].map(SessionSummary.uptimeText) == ["0s", "45s", "3m12s", "59m59s", "2h05m", "1d01h"])
    }
}
