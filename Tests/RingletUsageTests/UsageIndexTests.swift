import Foundation
import RingletAudit
import RingletManifest
import RingletTestSupport
@testable import RingletUsage
import Testing

/// The index over a profile HOME on disk: incremental scans, dedupe, truncated and malformed lines,
/// replaced files, and attribution to Ringlet sessions.
@Suite struct UsageIndexTests {
    let folder: TemporaryDirectory
    let home: String
    let transcript: String
    let index: UsageIndex
    let homes: [UsageHome]

    init() throws {
        folder = try TemporaryDirectory("ringlet-usage")
        home = folder.path + "/homes/work"
        try FileManager.default.createDirectory(atPath: home + "/.claude/projects/-src-shop", withIntermediateDirectories: true)
        transcript = home + "/.claude/projects/-src-shop/s-1.jsonl"
        index = try UsageIndex(path: folder.path + "/state/usage.db")
        homes = [UsageHome(profile: "work", home: home, source: UsageSource(reader: "claude-transcripts", paths: [".claude/projects/**/*.jsonl"]))]
    }

    func append(_ text: String, to path: String? = nil) throws {
        let path = path ?? transcript
        if !FileManager.default.fileExists(atPath: path) { try Data().write(to: URL(fileURLWithPath: path)) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func total() throws -> TokenCounts {
        try index.records(UsageFilter()).reduce(TokenCounts()) { $0 + $1.tokens }
    }

    @Test func aRepeatScanReadsOnlyWhatIsNew() throws {
        let first = UsageFixtures.assistant(id: "m1") + "\n"
        try append(first)
        let scan1 = try index.scan(homes)
        #expect(scan1.records == 1 && scan1.bytesRead == Int64(first.utf8.count) && scan1.files == 1)

        let idle = try index.scan(homes)
        #expect(idle.bytesRead == 0 && idle.filesRead == 0 && idle.records == 0, "nothing new, nothing read")

        let second = UsageFixtures.assistant(id: "m2", input: 7, output: 3) + "\n"
        try append(second)
        let scan2 = try index.scan(homes)
        #expect(scan2.bytesRead == Int64(second.utf8.count), "only the appended line is read")
        #expect(try total() == TokenCounts(input: 107, output: 13))
    }

    @Test func theSameMessageWrittenTwiceOrInAnotherFileCountsOnce() throws {
        // Claude Code writes a message once per content block, and a resumed session copies history.
        try append(UsageFixtures.assistant(id: "m1", text: "thinking") + "\n" + UsageFixtures.assistant(id: "m1", text: "tool call") + "\n")
        try append(UsageFixtures.assistant(id: "m1") + "\n" + UsageFixtures.assistant(id: "m2") + "\n", to: home + "/.claude/projects/-src-shop/s-2.jsonl")
        let scan = try index.scan(homes)
        #expect(scan.files == 2 && scan.records == 4)
        #expect(try index.records(UsageFilter()).count == 2)
        #expect(try total() == TokenCounts(input: 200, output: 20))
    }

    @Test func aLineBeingWrittenIsLeftForTheNextScan() throws {
        let whole = UsageFixtures.assistant(id: "m1")
        let cut = whole.utf8.count / 2
        try append(String(whole.prefix(cut)))
        let partial = try index.scan(homes)
        #expect(partial.records == 0 && partial.malformedLines == 0, "an unfinished last line is neither usage nor malformed")
        try append(String(whole.dropFirst(cut)) + "\n")
        let finished = try index.scan(homes)
        #expect(finished.records == 1 && finished.malformedLines == 0)
        #expect(try total() == TokenCounts(input: 100, output: 10))
    }

    @Test func malformedLinesAreSkippedAndCounted() throws {
        try append("""
            \(UsageFixtures.assistant(id: "m1"))
            {"type":"assistant","message":{"id":"m2","usage":{"input_tokens":
            garbage that is not json
            \(UsageFixtures.assistant(id: "m3"))

            """)
        let scan = try index.scan(homes)
        #expect(scan.records == 2 && scan.malformedLines == 2)
        #expect(scan.malformedExamples.first?.hasPrefix(transcript + ":byte ") == true)
    }

    @Test func aFileThatShrankOrWasReplacedIsReadAgain() throws {
        try append(UsageFixtures.assistant(id: "m1") + "\n" + UsageFixtures.assistant(id: "m2") + "\n")
        _ = try index.scan(homes)
        #expect(try index.records(UsageFilter()).count == 2)

        // Rewritten shorter (a compaction, an editor): read from the start again.
        try Data((UsageFixtures.assistant(id: "m3", input: 1, output: 1) + "\n").utf8).write(to: URL(fileURLWithPath: transcript))
        let rescan = try index.scan(homes)
        #expect(rescan.records == 1 && rescan.bytesRead > 0)
        #expect(try index.records(UsageFilter()).map(\.offset).contains(0))

        // Replaced by another file of the same size: a new inode, read again.
        let replacement = transcript + ".new"
        try Data((UsageFixtures.assistant(id: "m4", input: 1, output: 1) + "\n").utf8).write(to: URL(fileURLWithPath: replacement))
        try FileManager.default.removeItem(atPath: transcript)
        try FileManager.default.moveItem(atPath: replacement, toPath: transcript)
        #expect(try index.scan(homes).records == 1)
        #expect(try index.records(UsageFilter()).contains { $0.tokens.input == 1 })
    }

    @Test func globsFindNestedFilesButNotOthersOrSymlinks() throws {
        try append(UsageFixtures.assistant(id: "m1") + "\n")
        try FileManager.default.createDirectory(atPath: home + "/.claude/projects/a/b", withIntermediateDirectories: true)
        try append(UsageFixtures.assistant(id: "m2") + "\n", to: home + "/.claude/projects/a/b/deep.jsonl")
        try append(UsageFixtures.assistant(id: "m3") + "\n", to: home + "/.claude/projects/a/notes.txt")
        let outside = folder.path + "/outside.jsonl"
        try append(UsageFixtures.assistant(id: "m4") + "\n", to: outside)
        try FileManager.default.createSymbolicLink(atPath: home + "/.claude/projects/link.jsonl", withDestinationPath: outside)
        let scan = try index.scan(homes)
        #expect(scan.files == 2)
        #expect(Set(try index.records(UsageFilter()).map(\.file)) == [transcript, home + "/.claude/projects/a/b/deep.jsonl"])
    }

    @Test func usageIsAttributedToTheSessionThatRanTheProfile() throws {
        let t0 = ISOTimestamp.milliseconds("2026-05-01T12:00:00Z")!
        try index.record(spans: [SessionSpan(session: "run-1", profile: "work", start: t0, end: t0 + 60_000)])
        try append(UsageFixtures.assistant(id: "m1", time: "2026-05-01T12:00:30Z") + "\n"
                   + UsageFixtures.assistant(id: "m2", time: "2026-05-01T12:05:00Z") + "\n")
        _ = try index.scan(homes)
        let prices = PriceTable(lists: [:])
        #expect(try index.totals(session: "run-1", prices: prices).tokens == TokenCounts(input: 100, output: 10))
        // A session learnt of after its usage was indexed still gets it.
        try index.record(spans: [SessionSpan(session: "daemon-7", profile: "work", start: t0 + 240_000)])
        let open = try index.totals(session: "daemon-7", prices: prices)
        #expect(open.tokens == TokenCounts(input: 100, output: 10) && open.calls == 1)
        #expect(open.cost.unpricedModels == ["claude-sonnet-4-5-20250929"])
    }

    @Test func spansComeFromTheAuditLog() throws {
        let path = folder.path + "/state/audit.db"
        let log = try AuditLog.open(path: path)
        log.record(AuditEvent(type: "launch", profile: "work", session: "run-42", fields: ["agent": "claude@2.1.0"]))
        log.record(AuditEvent(type: "launch", session: "run-43", fields: ["agent": "claude@2.1.0"]))
        log.flush()
        try index.syncSessions(auditLog: path)
        #expect(try index.span(of: "run-42")?.end == nil)
        #expect(try index.span(of: "run-43")?.profile == "claude", "a run without a profile uses the agent's HOME")
        log.record(AuditEvent(type: "session", profile: "work", session: "run-42", fields: ["event": "end", "exit_status": "0"]))
        log.close()
        try index.syncSessions(auditLog: path)
        let span = try #require(try index.span(of: "run-42"))
        #expect(span.profile == "work" && span.end != nil && span.end! >= span.start)
        try index.syncSessions(auditLog: folder.path + "/none.db")
    }

    @Test func anIndexThatCannotBeCreatedSaysWhere() {
        #expect(throws: UsageError.self) { try UsageIndex(path: "/proc/ringlet-usage/usage.db") }
    }
}
