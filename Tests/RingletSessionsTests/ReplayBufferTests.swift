@testable import RingletSessions
import Testing

@Suite struct ReplayBufferTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// `text` pushed through a buffer of `capacity` in one append after `filler` bytes, so it wraps.
    private func wrapped(_ text: String, capacity: Int, fillerCount: Int = 10) -> [UInt8] {
        var buffer = ReplayBuffer(capacity: capacity)
        buffer.append([UInt8](repeating: UInt8(ascii: "."), count: fillerCount))
        buffer.append(bytes(text))
        #expect(buffer.hasWrapped)
        return buffer.snapshot()
    }

    @Test func anUnwrappedBufferGivesEverythingFromTheStart() {
        var buffer = ReplayBuffer(capacity: 64)
        buffer.append(bytes("\u{1B}[31mred"))
        buffer.append(bytes(" é\n"))
        #expect(!buffer.hasWrapped)
        #expect(buffer.snapshot() == bytes("\u{1B}[31mred é\n"))
        #expect(ReplayBuffer().capacity == 1 << 20)
        #expect(ReplayBuffer().snapshot().isEmpty)
    }

    @Test func keepsExactlyTheLastBytesWhateverTheChunkSizes() {
        var generator = SystemRandomNumberGenerator()
        for capacity in [1, 7, 64, 1000] {
            var buffer = ReplayBuffer(capacity: capacity)
            var everything: [UInt8] = []
            for _ in 0 ..< 200 {
                let chunk = (0 ..< Int.random(in: 0 ... capacity * 2 + 3, using: &generator)).map { _ in UInt8.random(in: 0x61 ... 0x7A, using: &generator) }
                buffer.append(chunk)
                everything += chunk
                #expect(buffer.count == min(capacity, everything.count))
            }
            // Letters only: no newline or escape, so the snapshot is the raw tail.
            #expect(buffer.snapshot() == Array(everything.suffix(capacity)))
        }
    }

    @Test func aSingleAppendLargerThanTheBufferKeepsItsTail() {
        var buffer = ReplayBuffer(capacity: 4)
        buffer.append(bytes("abcdefgh"))
        #expect(buffer.hasWrapped)
        #expect(buffer.snapshot() == bytes("efgh"))
        var exact = ReplayBuffer(capacity: 4)
        exact.append(bytes("abcd"))
        #expect(!exact.hasWrapped)
    }

    @Test func aWrappedBufferStartsAfterTheFirstNewline() {
        #expect(wrapped("tail of a line\nnext line\nlast", capacity: 30) == bytes("next line\nlast"))
    }

    @Test func aNewlineInsideAnEscapeStringIsNotABoundary() {
        let text = "\u{1B}]0;a\nb\u{07}rest\nmore"
        #expect(wrapped(text, capacity: text.utf8.count) == bytes("more"))
    }

    @Test func withoutANewlineItStartsAtTheNextEscapeSequence() {
        // Cut inside an OSC title: the title's tail is dropped, the next sequence kept whole.
        let snapshot = wrapped("]0;some title\u{07}plain\u{1B}[1mbold", capacity: 30)
        #expect(snapshot == bytes("\u{1B}[1mbold"))
    }

    @Test func aCutInsideAControlSequenceSkipsItsParametersAndFinalByte() {
        #expect(wrapped("8;5;196mhello", capacity: 13) == bytes("hello"))
    }

    @Test func aCutInsideAUTF8SequenceSkipsItsContinuationBytes() {
        let text = Array("ééé".utf8) // C3 A9 C3 A9 C3 A9
        var buffer = ReplayBuffer(capacity: 5)
        buffer.append(text)
        #expect(buffer.snapshot() == Array("éé".utf8))
    }

    @Test func aNewlineTooFarAwayIsNotWaitedFor() {
        let long = String(repeating: "a", count: ReplayBuffer.boundaryWindow + 10) + "\nb"
        #expect(wrapped(long, capacity: long.utf8.count) == bytes(long))
    }

    @Test func aCutJustAfterAnEscapeSkipsTheRestOfItsSequence() {
        #expect(wrapped("[0mplain", capacity: 8) == bytes("plain"))
        #expect(wrapped("title\u{07}plain", capacity: 11) == bytes("plain"))
    }

    @Test func everyCutOfColouredUnicodeTextStartsOnACharacterOutsideAnEscape() {
        let line = "\u{1B}[38;5;82mgrün \u{1B}]8;;https://example.com\u{1B}\\link\u{1B}]8;;\u{1B}\\ 日本語 🎉\u{1B}[0m\u{1B}]0;title\u{07}"
        let text = Array(String(repeating: line, count: 3).utf8)
        let safe = Self.positionsOutsideEscapes(text)
        // From 40 bytes on, every cut leaves a whole sequence in the boundary window to start at.
        for capacity in 40 ..< text.count {
            var buffer = ReplayBuffer(capacity: capacity)
            buffer.append(text)
            let snapshot = buffer.snapshot()
            #expect(text.suffix(snapshot.count).elementsEqual(snapshot), "capacity \(capacity)")
            #expect(String(validating: snapshot, as: UTF8.self) != nil, "capacity \(capacity)")
            #expect(safe.contains(text.count - snapshot.count), "capacity \(capacity)")
        }
    }

    /// Where a terminal reading `bytes` from the start is outside every escape sequence and not inside a character.
    private static func positionsOutsideEscapes(_ bytes: [UInt8]) -> Set<Int> {
        var safe: Set<Int> = [bytes.count]
        var state = 0 // 0 ground, 1 after ESC, 2 CSI, 3 string, 4 ESC in a string
        for (index, byte) in bytes.enumerated() {
            if state == 0 && byte & 0xC0 != 0x80 { safe.insert(index) }
            switch state {
            case 0: if byte == 0x1B { state = 1 }
            case 1: state = byte == UInt8(ascii: "[") ? 2 : byte == UInt8(ascii: "]") ? 3 : 0
            case 2: if (0x40 ... 0x7E).contains(byte) { state = 0 }
            case 3: state = byte == 0x07 ? 0 : byte == 0x1B ? 4 : 3
            default: state = byte == UInt8(ascii: "\\") ? 0 : 3
            }
        }
        return safe
    }
}
