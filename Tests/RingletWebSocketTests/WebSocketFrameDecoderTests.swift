import RingletWebSocket
import Testing

@Suite struct WebSocketFrameDecoderTests {
    static let hello = Array("Hello".utf8)

    @Test(arguments: [nil, 1, 3])
    func rfcMaskedHello(chunk: Int?) throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(try ClientFrames.decode(bytes, chunk: chunk) == [.text("Hello")])
    }

    @Test func rfcMaskedPong() throws {
        let bytes: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(try ClientFrames.decode(bytes) == [.pong(Self.hello)])
    }

    @Test(arguments: [nil, 1])
    func rfcFragmentedHelloIsJoined(chunk: Int?) throws {
        let bytes = ClientFrames.masked([0x01, 0x03, 0x48, 0x65, 0x6C]) + ClientFrames.masked([0x80, 0x02, 0x6C, 0x6F])
        #expect(try ClientFrames.decode(bytes, chunk: chunk) == [.text("Hello")])
    }

    @Test(arguments: [nil, 1])
    func rfcPingAndLongBinaryLengths(chunk: Int?) throws {
        let ping = ClientFrames.masked([0x89, 0x05] + Self.hello)
        let small = [UInt8](repeating: 0xAB, count: 256)
        let large = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
        let smallFrame = ClientFrames.masked([0x82, 0x7E, 0x01, 0x00] + small)
        let largeFrame = ClientFrames.masked([0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00] + large)
        #expect(try ClientFrames.decode(ping + smallFrame + largeFrame, chunk: chunk)
            == [.ping(Self.hello), .binary(small), .binary(large)])
    }

    @Test func controlFramesBetweenFragmentsArriveAtOnce() throws {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 100)
        decoder.append(ClientFrames.frame(0x2, [1, 2], fin: false) + ClientFrames.frame(0x9, [7]))
        #expect(try decoder.next() == .ping([7]))
        #expect(try decoder.next() == nil)
        decoder.append(ClientFrames.frame(0x0, [3], fin: false) + ClientFrames.frame(0xA, []) + ClientFrames.close(code: 1001))
        #expect(try decoder.next() == .pong([]))
        #expect(try decoder.next() == .close(code: .goingAway, reason: ""))
        decoder.append(ClientFrames.frame(0x0, [4]))
        #expect(try decoder.next() == .binary([1, 2, 3, 4]))
        #expect(try decoder.next() == nil)
    }

    @Test func closeFrames() throws {
        let bytes = ClientFrames.frame(0x8, []) + ClientFrames.close(code: 1000, reason: Array("bye ✓".utf8))
            + ClientFrames.close(code: 3000) + ClientFrames.close(code: 4999)
        #expect(try ClientFrames.decode(bytes) == [
            .close(code: nil, reason: ""),
            .close(code: .normalClosure, reason: "bye ✓"),
            .close(code: WebSocketCloseCode(rawValue: 3000), reason: ""),
            .close(code: WebSocketCloseCode(rawValue: 4999), reason: ""),
        ])
    }

    @Test func emptyAndExactlyMaximalMessagesAreAccepted() throws {
        let bytes = ClientFrames.frame(0x1, []) + ClientFrames.frame(0x2, [UInt8](repeating: 1, count: 8))
            + ClientFrames.frame(0x2, [1, 2, 3, 4, 5], fin: false) + ClientFrames.frame(0x0, [6, 7, 8])
        #expect(try ClientFrames.decode(bytes, maxMessageSize: 8) == [
            .text(""), .binary([UInt8](repeating: 1, count: 8)), .binary([1, 2, 3, 4, 5, 6, 7, 8]),
        ])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let error: WebSocketError
        let closeCode: UInt16
        var maxMessageSize = 1 << 20
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(name: "unmasked RFC Hello", bytes: [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F],
                  error: .unmaskedFrame, closeCode: 1002),
        ErrorCase(name: "RSV1", bytes: ClientFrames.masked(ClientFrames.raw(firstByte: 0xC1, payload: [0x41])),
                  error: .reservedBitsSet, closeCode: 1002),
        ErrorCase(name: "RSV3", bytes: ClientFrames.masked(ClientFrames.raw(firstByte: 0x92, payload: [])),
                  error: .reservedBitsSet, closeCode: 1002),
        ErrorCase(name: "opcode 3", bytes: ClientFrames.frame(0x3, []),
                  error: .unknownOpcode(0x3), closeCode: 1002),
        ErrorCase(name: "opcode B", bytes: ClientFrames.frame(0xB, []),
                  error: .unknownOpcode(0xB), closeCode: 1002),
        ErrorCase(name: "fragmented ping", bytes: ClientFrames.frame(0x9, [1], fin: false),
                  error: .fragmentedControlFrame, closeCode: 1002),
        ErrorCase(name: "126-byte ping", bytes: ClientFrames.frame(0x9, [UInt8](repeating: 0, count: 126)),
                  error: .controlFrameTooLong(length: 126), closeCode: 1002),
        ErrorCase(name: "64-bit length with top bit", bytes: [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1],
                  error: .invalidLength, closeCode: 1002),
        ErrorCase(name: "continuation with nothing open", bytes: ClientFrames.frame(0x0, Array("Hello".utf8)),
                  error: .unexpectedContinuation, closeCode: 1002),
        ErrorCase(name: "text while fragmented", bytes: ClientFrames.frame(0x1, [0x48], fin: false) + ClientFrames.frame(0x1, [0x69]),
                  error: .expectedContinuation, closeCode: 1002),
        ErrorCase(name: "binary while fragmented", bytes: ClientFrames.frame(0x2, [1], fin: false) + ClientFrames.frame(0x2, [2], fin: false),
                  error: .expectedContinuation, closeCode: 1002),
        ErrorCase(name: "message over limit", bytes: ClientFrames.frame(0x1, Array("Hello".utf8)),
                  error: .messageTooBig(limit: 4), closeCode: 1009, maxMessageSize: 4),
        ErrorCase(name: "fragments over limit", bytes: ClientFrames.frame(0x2, [1, 2, 3], fin: false) + ClientFrames.frame(0x0, [4, 5]),
                  error: .messageTooBig(limit: 4), closeCode: 1009, maxMessageSize: 4),
        ErrorCase(name: "1-byte close", bytes: ClientFrames.frame(0x8, [0x03]),
                  error: .truncatedCloseFrame, closeCode: 1002),
        ErrorCase(name: "close invalid UTF-8 reason", bytes: ClientFrames.close(code: 1000, reason: [0xC3, 0x28]),
                  error: .invalidUTF8, closeCode: 1007),
        ErrorCase(name: "invalid UTF-8 text", bytes: ClientFrames.frame(0x1, [0x48, 0xC3, 0x28]),
                  error: .invalidUTF8, closeCode: 1007),
        ErrorCase(name: "UTF-16 surrogate as text", bytes: ClientFrames.frame(0x1, [0xED, 0xA0, 0x80]),
                  error: .invalidUTF8, closeCode: 1007),
        ErrorCase(name: "UTF-8 split validly over fragments then truncated",
                  bytes: ClientFrames.frame(0x1, [0xE2, 0x9C], fin: false) + ClientFrames.frame(0x0, [0x93, 0xE2]),
                  error: .invalidUTF8, closeCode: 1007),
    ] + [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535].map {
        ErrorCase(name: "close code \($0)", bytes: ClientFrames.close(code: $0), error: .invalidCloseCode($0), closeCode: 1002)
    }

    @Test(arguments: errorCases, [nil, 1])
    func errorsCarryTheirCloseCode(_ errorCase: ErrorCase, chunk: Int?) {
        #expect(throws: errorCase.error) {
            try ClientFrames.decode(errorCase.bytes, chunk: chunk, maxMessageSize: errorCase.maxMessageSize)
        }
        #expect(errorCase.error.closeCode.rawValue == errorCase.closeCode)
        #expect(!errorCase.error.description.isEmpty)
    }

    @Test func validUTF8SplitAcrossFragmentsIsAccepted() throws {
        let bytes = ClientFrames.frame(0x1, [0xE2, 0x9C], fin: false) + ClientFrames.frame(0x0, [0x93])
        #expect(try ClientFrames.decode(bytes) == [.text("✓")])
    }

    @Test func sizeLimitIsHitFromTheHeaderAlone() throws {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 1024)
        // Only the header of a 1 MiB frame: the payload never arrives, yet the error does.
        decoder.append([0x82, 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 0])
        #expect(throws: WebSocketError.messageTooBig(limit: 1024)) { try decoder.next() }

        var fragmented = WebSocketFrameDecoder(maxMessageSize: 1024)
        fragmented.append(ClientFrames.frame(0x2, [UInt8](repeating: 0, count: 1000), fin: false))
        #expect(try fragmented.next() == nil)
        fragmented.append([0x00, 0xFE, 0x00, 0x19])  // a continuation header announcing 25 more bytes
        #expect(throws: WebSocketError.messageTooBig(limit: 1024)) { try fragmented.next() }
    }

    @Test func incompleteFramesWaitForMoreBytes() throws {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 1024)
        let frame = ClientFrames.frame(0x2, [UInt8](repeating: 9, count: 300))
        decoder.append(frame.dropLast())
        #expect(try decoder.next() == nil)
        decoder.append(frame.suffix(1))
        #expect(try decoder.next() == .binary([UInt8](repeating: 9, count: 300)))
        #expect(try decoder.next() == nil)
    }

    @Test func errorsAreSticky() {
        var decoder = WebSocketFrameDecoder(maxMessageSize: 1024)
        decoder.append([0x81, 0x05] + Self.hello)
        #expect(throws: WebSocketError.unmaskedFrame) { try decoder.next() }
        decoder.append(ClientFrames.frame(0x1, Self.hello))
        #expect(throws: WebSocketError.unmaskedFrame) { try decoder.next() }
    }
}
