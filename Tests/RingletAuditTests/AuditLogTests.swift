import Foundation
import Glibc
@testable import RingletAudit
import RingletTestSupport
import Testing

/// Recording and reading back: what goes in comes out (ids from 1, times, hashes, every column and
/// awkward field values), the file is private, reopening continues the chain, and a path that cannot
/// be written is refused at open with a message that names it.
@Suite struct AuditLogTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("ringlet-audit")
    }

    static let events = [
        AuditEvent(type: "launch", profile: "work", session: "s-1", fields: ["agent": "claude-code", "sandbox": "bwrap"]),
        AuditEvent(type: "hook", profile: "work", session: "s-1", verdict: "deny",
                   fields: ["tool": "Bash", "input": "{\"command\": \"rm -rf /\"}\n\ttab \\ \u{1} ünïcode ✓", "": "empty key"]),
        AuditEvent(type: "proxy", profile: "work", session: "s-1", verdict: "allowed", fields: ["host": "api.anthropic.com"]),
        AuditEvent(type: "registry"),
    ]

    @Test func recordedEventsComeBackWithIdsTimesAndHashes() throws {
        let path = folder.file("state/audit.db")
        let before = AuditTime.now()
        let log = try AuditLog.open(path: path)
        for event in Self.events { log.record(event) }
        log.flush()
        // Committed and visible to another connection before close.
        #expect(try AuditLog.query(path: path, filter: AuditFilter()).count == Self.events.count)
        log.close()
        let after = AuditTime.now()

        let records = try AuditLog.query(path: path, filter: AuditFilter())
        #expect(records.map(\.event) == Self.events)
        #expect(records.map(\.id) == [1, 2, 3, 4])
        for record in records {
            #expect((before ... after).contains(record.time))
            #expect(record.hash.count == 64 && record.hash.allSatisfy(\.isHexDigit))
        }
        #expect(Set(records.map(\.hash)).count == records.count)
        #expect(try AuditLog.verify(path: path) == .intact(rows: 4))
        #expect(try AuditLog.headHash(path: path) == records.last?.hash)
    }

    @Test func theFolderAndFileArePrivate() throws {
        let path = folder.file("new/state/audit.db")
        let log = try AuditLog.open(path: path)
        log.record(AuditEvent(type: "session"))
        log.close()
        #expect(Self.mode(folder.file("new/state")) == 0o700)
        #expect(Self.mode(path) == 0o600)
    }

    @Test func reopeningContinuesTheChain() throws {
        let path = folder.file("audit.db")
        for round in 0 ..< 3 {
            let log = try AuditLog.open(path: path)
            for index in 0 ..< 5 { log.record(AuditEvent(type: "hook", fields: ["round": "\(round)", "n": "\(index)"])) }
            log.close()
        }
        let records = try AuditLog.query(path: path, filter: AuditFilter())
        #expect(records.map(\.id) == Array(1 ... 15))
        #expect(records.map { $0.event.fields["round"]! } == (0 ..< 3).flatMap { Array(repeating: "\($0)", count: 5) })
        #expect(try AuditLog.verify(path: path) == .intact(rows: 15))
    }

    @Test func anEmptyLogVerifies() throws {
        let path = folder.file("audit.db")
        try AuditLog.open(path: path).close()
        #expect(try AuditLog.verify(path: path) == .intact(rows: 0))
        #expect(try AuditLog.query(path: path, filter: AuditFilter()).isEmpty)
    }

    @Test func eventsAfterCloseAreIgnoredAndCloseTwiceIsHarmless() throws {
        let path = folder.file("audit.db")
        let log = try AuditLog.open(path: path)
        log.record(AuditEvent(type: "launch"))
        log.close()
        log.record(AuditEvent(type: "launch"))
        log.flush()
        log.close()
        #expect(try AuditLog.verify(path: path) == .intact(rows: 1))
    }

    @Test func jsonLinesHaveSortedKeysAndISOTimes() throws {
        let record = AuditRecord(id: 7, time: 1_777_777_777_123, event: AuditEvent(type: "hook", profile: "p", verdict: "deny",
                                                                                  fields: ["z": "1", "a": "\"q\"\n"]), hash: "ab")
        #expect(record.jsonLine == #"{"fields":{"a":"\"q\"\n","z":"1"},"hash":"ab","id":7,"profile":"p","session":null,"time":"2026-05-03T03:09:37.123Z","type":"hook","verdict":"deny"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(record.jsonLine.utf8)) as? [String: Any]
        #expect((parsed?["fields"] as? [String: String])?["a"] == "\"q\"\n")
    }

    @Test func fieldsEditedByHandInAnyJSONSpellingStillRead() throws {
        #expect(CanonicalJSON.parseObject(#" { "a" : "x\u00e9\ud83d\ude00\/" , "b":"" } "#) == ["a": "xé😀/", "b": ""])
        #expect(CanonicalJSON.parseObject("{}") == [:])
        for bad in ["", "[]", #"{"a":1}"#, #"{"a":"b""#, #"{"a":"b"} x"#, #"{"a":"\ud83d"}"#, "{\"a\":\"\n\"}"] {
            #expect(CanonicalJSON.parseObject(bad) == nil, "\(bad)")
        }
        let awkward = ["": "", "\u{0}\u{1f}": "\"\\\r\t\n", "é": "😀"]
        #expect(CanonicalJSON.parseObject(CanonicalJSON.object(awkward)) == awkward)
    }

    @Test func aPathUnderAFileIsRefusedAtOpenNamingThePath() throws {
        let file = try folder.write("not-a-folder", "x")
        let path = file + "/audit.db"
        let error = try #require(throws: AuditError.self) { try AuditLog.open(path: path) }
        guard case .unwritable = error else { Issue.record("expected unwritable, got \(error)"); return }
        #expect(error.description.contains(file))
        #expect(error.description.contains("choose another path"))
    }

    @Test func aFolderWhereTheFileShouldBeIsRefusedAtOpen() throws {
        let path = folder.file("audit.db")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = try #require(throws: AuditError.self) { try AuditLog.open(path: path) }
        #expect(error.description.contains(path), "\(error)")
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let path = try folder.write("audit.db", String(repeating: "not sqlite\n", count: 200))
        #expect(throws: AuditError.self) { try AuditLog.open(path: path) }
        #expect(throws: AuditError.self) { try AuditLog.verify(path: path) }
    }

    @Test func readingAMissingLogSaysSo() throws {
        let path = folder.file("nothing/audit.db")
        #expect(throws: AuditError.notFound(path: path)) { try AuditLog.verify(path: path) }
        #expect(throws: AuditError.notFound(path: path)) { try AuditLog.query(path: path, filter: AuditFilter()) }
        #expect(!FileManager.default.fileExists(atPath: path), "reading creates nothing")
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }
}
