import RingletSessions
import Testing

@Suite struct SessionFrameDecoderTests {
    static let status = SessionStatus(
        id: "s1", profile: "work", agent: "claude", state: .exited, exitCode: 3, started: "2026-01-02T03:04:05Z",
        hostPid: 10, childPid: 11, cols: 80, rows: 24, bytesIn: 5, bytesOut: 9, lastActivity: "2026-01-02T03:04:06Z",
        idleSeconds: 1, clients: [.init(id: 1, address: "cli", since: "2026-01-02T03:04:05Z", bytesIn: 5, bytesOut: 9)])

    static let everyMessage: [SessionHostMessage] = [
        .attach(address: "127.0.0.1:5000", replay: true), .attach(address: "", replay: false),
        .input(Array("echo hi\n".utf8)), .input([]), .resize(cols: 132, rows: 50),
        .signal(.INT), .signal(.WINCH), .statusRequest, .terminate,
        .replayStart, .output([0x1B, 0x5B, 0x41, 0xC3, 0xA9, 0x00, 0xFF]), .replayEnd, .exit(code: 3), .exit(code: 143),
        .status(status), .notice("idle for 30s; ending the agent"),
    ]

    private func decodeAll(_ bytes: [UInt8], splitEvery step: Int) throws -> [SessionHostMessage] {
        var decoder = SessionFrameDecoder()
        var messages: [SessionHostMessage] = []
        var offset = 0
        while offset < bytes.count {
            decoder.append(bytes[offset ..< min(offset + step, bytes.count)])
            offset += step
            while let message = try decoder.next() { messages.append(message) }
        }
        #expect(decoder.pendingCount == 0)
        return messages
    }

    @Test func everyMessageSurvivesARoundTripHoweverTheStreamIsSplit() throws {
        let stream = Self.everyMessage.flatMap { $0.encoded() }
        for step in [1, 2, 3, 5, 7, 64, stream.count] {
            #expect(try decodeAll(stream, splitEvery: step) == Self.everyMessage, "split every \(step)")
        }
    }

    @Test func theHeaderIsTypeThenBigEndianLength() {
        let frame = SessionHostMessage.input([UInt8](repeating: 0x61, count: 300)).encoded()
        #expect(Array(frame.prefix(5)) == [0x02, 0x00, 0x00, 0x01, 0x2C])
        #expect(frame.count == 305)
        #expect(SessionHostMessage.replayStart.encoded() == [0x81, 0, 0, 0, 0])
    }

    @Test func aFrameAtTheLimitIsAcceptedAndOneByteMoreIsRefusedFromItsHeader() throws {
        let largest = [UInt8](repeating: 0x78, count: SessionHostMessage.maximumPayload)
        var decoder = SessionFrameDecoder()
        decoder.append(SessionHostMessage.output(largest).encoded())
        #expect(try decoder.next() == .output(largest))

        let length = UInt32(SessionHostMessage.maximumPayload + 1)
        var oversized = SessionFrameDecoder()
        oversized.append([0x82, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
        #expect(throws: SessionError.self) { try oversized.next() }
    }

    @Test func inputLongerThanAFrameBecomesSeveralFramesThatAddUpToIt() throws {
        let paste = (0 ..< SessionHostMessage.maximumPayload * 2 + 10).map { UInt8(truncatingIfNeeded: $0) }
        var decoder = SessionFrameDecoder()
        decoder.append(SessionHostMessage.input(paste).encoded())
        var pieces: [[UInt8]] = []
        while let message = try decoder.next() {
            guard case .input(let bytes) = message else { Issue.record("unexpected \(message)"); return }
            pieces.append(bytes)
        }
        #expect(pieces.map(\.count) == [SessionHostMessage.maximumPayload, SessionHostMessage.maximumPayload, 10])
        #expect(pieces.flatMap { $0 } == paste)
    }

    @Test(arguments: [
        [0x7F, 0, 0, 0, 0],                                   // unknown type
        [0x00, 0, 0, 0, 0],                                   // unknown type 0
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF],                       // unknown type, absurd length
        [0x01, 0, 0, 0, 2] + Array("{}".utf8),                // attach without its fields
        [0x03, 0, 0, 0, 3] + Array("abc".utf8),               // resize that is not JSON
        [0x03, 0, 0, 0, 19] + Array("{\"cols\":0,\"rows\":5}".utf8), // a zero size
        [0x04, 0, 0, 0, 15] + Array("{\"name\":\"STOP\"}".utf8),  // a signal not on the list
        [0x05, 0, 0, 0, 1, 0x00],                             // status request with a payload
        [0x84, 0, 0, 0, 2] + Array("{}".utf8),                // exit without a code
    ] as [[UInt8]])
    func malformedFramesAreErrors(frame: [UInt8]) {
        var decoder = SessionFrameDecoder()
        decoder.append(frame)
        #expect(throws: SessionError.self) { try decoder.next() }
    }

    @Test func anIncompleteFrameWaitsForTheRest() throws {
        let frame = SessionHostMessage.notice("hello").encoded()
        var decoder = SessionFrameDecoder()
        decoder.append(frame.dropLast())
        #expect(try decoder.next() == nil)
        #expect(decoder.pendingCount == frame.count - 1)
        decoder.append(frame.suffix(1))
        #expect(try decoder.next() == .notice("hello"))
    }

    @Test func signalsHaveTheirNumbers() {
        #expect(SessionSignal.allCases.map(\.rawValue) == ["INT", "TERM", "HUP", "QUIT", "KILL", "USR1", "USR2", "WINCH"])
        #expect(SessionSignal.KILL.number == 9)
        #expect(SessionSignal.TERM.number == 15)
    }
}
