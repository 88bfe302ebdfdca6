import RingletWebSocket
import Testing

@Suite struct WebSocketFrameEncoderTests {
    let hello = Array("Hello".utf8)

    @Test func rfcExamples() {
        #expect(WebSocketFrameEncoder.text("Hello") == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.ping(hello) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.encode(WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)))
            == [0x01, 0x03, 0x48, 0x65, 0x6C])
        #expect(WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)))
            == [0x80, 0x02, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.binary([UInt8](repeating: 0, count: 256)).prefix(4) == [0x82, 0x7E, 0x01, 0x00])
        #expect(WebSocketFrameEncoder.binary([UInt8](repeating: 0, count: 65536)).prefix(10)
            == [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
    }

    @Test(arguments: [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10)])
    func shortestLengthEncoding(length: Int, headerLength: Int) {
        let bytes = WebSocketFrameEncoder.binary([UInt8](repeating: 7, count: length))
        #expect(bytes.count == headerLength + length)
        #expect(bytes[1] & 0x80 == 0, "server frames are not masked")
    }

    @Test func closeFrame() {
        #expect(WebSocketFrameEncoder.close(code: .normalClosure) == [0x88, 0x02, 0x03, 0xE8])
        #expect(WebSocketFrameEncoder.close(code: .messageTooBig, reason: "big") == [0x88, 0x05, 0x03, 0xF1, 0x62, 0x69, 0x67])
    }

    @Test func longCloseReasonIsCutAtACharacterBoundary() throws {
        // 2 code bytes + 41 three-byte characters = 125 bytes; the 42nd character does not fit.
        let reason = String(repeating: "✓", count: 42)
        let bytes = WebSocketFrameEncoder.close(code: .policyViolation, reason: reason)
        #expect(bytes.count == 2 + 125)
        let reasonWithA = "a" + reason
        #expect(WebSocketFrameEncoder.close(code: .policyViolation, reason: reasonWithA).count == 2 + 123)
        #expect(try ClientFrames.decode(ClientFrames.masked(bytes))
            == [.close(code: .policyViolation, reason: String(repeating: "✓", count: 41))])
    }

    @Test(arguments: [nil, 1])
    func roundTripsThroughAClient(chunk: Int?) throws {
        let large = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let frames = [
            WebSocketFrameEncoder.text("Grüße, ✓"),
            WebSocketFrameEncoder.binary(large),
            WebSocketFrameEncoder.ping([1, 2, 3]),
            WebSocketFrameEncoder.encode(WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8))),
            WebSocketFrameEncoder.pong([]),
            WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8))),
            WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: 4000), reason: "done"),
        ]
        let clientBytes = frames.flatMap { ClientFrames.masked($0, key: [0x01, 0x80, 0xFF, 0x5A]) }
        #expect(try ClientFrames.decode(clientBytes, chunk: chunk) == [
            .text("Grüße, ✓"), .binary(large), .ping([1, 2, 3]), .pong([]), .text("Hello"),
            .close(code: WebSocketCloseCode(rawValue: 4000), reason: "done"),
        ])
    }
}
