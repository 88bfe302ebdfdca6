import Foundation
@testable import RingletTerminal
import RingletTestSupport
import Testing

/// The recording format, byte for byte where it matters: valid JSON lines, text split only on
/// UTF-8 boundaries, resizes as events.
@Suite struct AsciicastRecorderTests {
    @Test func aCharacterCutBetweenReadsIsJoinedAndEveryLineIsJSON() throws {
        let folder = try TemporaryDirectory("ringlet-cast")
        let path = folder.file("recordings/s.cast")
        let recorder = try AsciicastRecorder(path: path, size: WindowSize(rows: 24, columns: 80), command: "bash", term: "xterm")
        let text = Array("é\"\\\u{1b}[0m\n".utf8)
        recorder.output(text[0 ..< 1])   // the first byte of é alone
        recorder.output(text[1...])
        recorder.resize(WindowSize(rows: 40, columns: 120))
        recorder.close()
        let lines = try folder.read("recordings/s.cast").split(separator: "\n")
        #expect(lines.count == 3, "\(lines)")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 80 && header["height"] as? Int == 24)
        let output = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [Any])
        #expect(output[1] as? String == "o" && output[2] as? String == "é\"\\\u{1b}[0m\n", "\(output)")
        let resize = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [Any])
        #expect(resize[1] as? String == "r" && resize[2] as? String == "120x40")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func completePrefixStopsBeforeAnUnfinishedSequence() {
        #expect(AsciicastRecorder.completePrefix(Array("ab".utf8)) == 2)
        #expect(AsciicastRecorder.completePrefix([0x61, 0xC3]) == 1)
        #expect(AsciicastRecorder.completePrefix([0x61, 0xE2, 0x82]) == 1)
        #expect(AsciicastRecorder.completePrefix([0x61, 0xE2, 0x82, 0xAC]) == 4)
        #expect(AsciicastRecorder.completePrefix([0xF0, 0x9F, 0x98]) == 0)
    }
}
