import Foundation
@testable import RingletUsage

/// Fixture files, and lines fed to readers as the scanner feeds them.
enum UsageFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A transcript written by the real Claude Code 2.1.330 (`-p`, one Bash tool call, then an answer)
    /// against the Anthropic double, whose every answer reports 100 input and 10 output tokens.
    static var claudeTranscript: String { folder.appendingPathComponent("claude-code-2.1.330.jsonl").path }
    static var codexRollout: String { folder.appendingPathComponent("codex-rollout.jsonl").path }

    /// Every outcome of the file's lines, read with one state as a scan does.
    static func outcomes(_ path: String, _ reader: any UsageReader) throws -> [LineOutcome] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var state = ReaderState()
        return text.split(separator: "\n").map { line in
            Array(line.utf8).withUnsafeBytes { RecordFile.classify($0, reader: reader, state: &state) }
        }
    }

    static func read(_ line: String, _ reader: any UsageReader = ClaudeTranscriptReader()) -> LineOutcome {
        var state = ReaderState()
        return Array(line.utf8).withUnsafeBytes { RecordFile.classify($0, reader: reader, state: &state) }
    }

    /// An assistant line as Claude Code writes it.
    static func assistant(id: String, model: String = "claude-sonnet-4-5-20250929", time: String = "2026-05-01T12:00:00.000Z",
                          input: Int = 100, output: Int = 10, cacheWrite: Int = 0, cacheRead: Int = 0, session: String = "s-1",
                          text: String = "hello") -> String {
        #"{"parentUuid":"p","message":{"id":"\#(id)","type":"message","role":"assistant","model":"\#(model)","content":[{"type":"text","text":"\#(text)"}],"usage":{"input_tokens":\#(input),"cache_creation_input_tokens":\#(cacheWrite),"cache_read_input_tokens":\#(cacheRead),"output_tokens":\#(output),"service_tier":"standard"}},"type":"assistant","timestamp":"\#(time)","sessionId":"\#(session)"}"#
    }
}
