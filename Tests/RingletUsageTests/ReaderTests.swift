import Foundation
@testable import RingletUsage
import Testing

/// The readers on real and hand-made lines: what counts, what is ignored, what is malformed.
@Suite struct ReaderTests {
    @Test func aRealClaudeCodeTranscriptYieldsEachAPICallOnce() throws {
        let usages = try UsageFixtures.outcomes(UsageFixtures.claudeTranscript, ClaudeTranscriptReader()).compactMap { outcome -> ParsedUsage? in
            if case .usage(let usage) = outcome { usage } else { nil }
        }
        #expect(usages.map(\.callID) == ["msg_double_1", "msg_double_2"])
        #expect(usages.allSatisfy { $0.tokens == TokenCounts(input: 100, output: 10) && $0.model == "claude-sonnet-5-5" })
        #expect(usages.allSatisfy { $0.agentSession == "faf003cb-2bde-401e-ad38-6d3de55b4168" })
        #expect(usages.first?.timestamp == ISOTimestamp.milliseconds("2026-11-22T06:43:41.835Z"))
        #expect(!(try UsageFixtures.outcomes(UsageFixtures.claudeTranscript, ClaudeTranscriptReader())).contains(.malformed))
    }

    @Test func cacheTokensAndEscapedContentAreRead() {
        let line = UsageFixtures.assistant(id: "msg_1", input: 3, output: 500, cacheWrite: 2000, cacheRead: 40000,
                                           text: #"a \"usage\": {\"input_tokens\": 999} \\ and \u00e9"#)
        guard case .usage(let usage) = UsageFixtures.read(line) else { Issue.record("not read: \(line)"); return }
        #expect(usage.tokens == TokenCounts(input: 3, output: 500, cacheWrite: 2000, cacheRead: 40000))
        #expect(usage.model == "claude-sonnet-4-5-20250929" && usage.callID == "msg_1" && usage.agentSession == "s-1")
    }

    @Test(arguments: [
        #"{"type":"user","message":{"role":"user","content":"what is my usage?"},"timestamp":"2026-05-01T12:00:00Z"}"#,
        #"{"type":"summary","summary":"no usage here"}"#,
        #"{"type":"assistant","message":{"id":"m","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0}},"timestamp":"2026-05-01T12:00:00Z"}"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":null},"timestamp":"2026-05-01T12:00:00Z"}"#,
        "",
    ])
    func linesWithoutUsageAreIgnored(line: String) {
        #expect(UsageFixtures.read(line) == .ignored)
    }

    @Test(arguments: [
        // Cut off mid-write, then the next line appended after it.
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":1"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":1}},"timestamp":"2026-05-01T12:00:00Z"} trailing}"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":-5}},"timestamp":"2026-05-01T12:00:00Z"}"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":1.5}},"timestamp":"2026-05-01T12:00:00Z"}"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":1}},"timestamp":"yesterday"}"#,
        #"{"type":"assistant","message":{"id":"m","usage":{"input_tokens":1}},"timestamp":"2026-05-01T12:00:00Z"}"#,
        #"{"type":"assistant","message":{"id":"m","model":"x","usage":{"input_tokens":1}},"timestamp":"2026-05-01T12:00:00Z","sessionId":"unterminated}"#,
        "not json at all",
        #"["an","array"]"#,
    ])
    func malformedLinesAreReportedNotGuessed(line: String) {
        #expect(UsageFixtures.read(line) == .malformed)
    }

    @Test func deepNestingIsRefusedWithoutRecursingForever() {
        let deep = #"{"type":"assistant","usage":1,"x":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(UsageFixtures.read(deep) == .malformed)
    }

    @Test func codexRolloutsCountEachCallOnceWithCachedInputApart() throws {
        let usages = try UsageFixtures.outcomes(UsageFixtures.codexRollout, CodexSessionReader()).compactMap { outcome -> ParsedUsage? in
            if case .usage(let usage) = outcome { usage } else { nil }
        }
        #expect(usages.count == 2, "the repeated token_count (same cumulative total) counts once")
        #expect(usages.map(\.tokens) == [TokenCounts(input: 4000, output: 300, cacheRead: 1000), TokenCounts(input: 2000, output: 200, cacheRead: 4000)])
        #expect(usages.allSatisfy { $0.model == "gpt-5-codex" && $0.agentSession == "019a9776-0a34-7842-8627-112b63d66e90" })
    }

    @Test func readerStateSurvivesBeingStored() {
        let state = ReaderState(model: "gpt-5", session: "abc", lastTotal: 42)
        #expect(ReaderState(encoded: state.encoded) == state)
        #expect(ReaderState(encoded: nil) == ReaderState())
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)), ("2026-11-22T06:43:41.835Z", Int64(1_795_329_821_835)),
        ("2026-11-22T08:43:41.8+02:00", Int64(1_795_329_821_800)), ("2024-02-29T00:00:00.123456Z", Int64(1_709_164_800_123)),
    ])
    func timestampsParseExactly(text: String, milliseconds: Int64) {
        #expect(ISOTimestamp.milliseconds(text) == milliseconds)
    }

    @Test func unknownReadersAreNamed() {
        #expect(throws: UsageError.unknownReader("x")) { try UsageReaders.named("x") }
    }
}
