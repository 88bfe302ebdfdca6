import CSQLite
import Foundation
@testable import RingletAudit
import RingletCrypto
import RingletTestSupport
import Testing

/// Tampering done for real, through SQLite's C API on the closed file as anyone with write access
/// could, and the row `verify` must name for each. Ten events, ids 1–10.
@Suite struct AuditTamperTests {
    let folder: TemporaryDirectory
    let path: String

    init() throws {
        folder = try TemporaryDirectory("ringlet-audit-tamper")
        path = folder.file("audit.db")
        let log = try AuditLog.open(path: path)
        for index in 0 ..< 10 {
            log.record(AuditEvent(type: "hook", profile: "work", session: "s-1", verdict: index == 4 ? "deny" : "allow",
                                  fields: ["n": "\(index)", "tool": "Bash"]))
        }
        log.close()
        #expect(try AuditLog.verify(path: path) == .intact(rows: 10))
    }

    /// Runs `sql` on the log with a connection of its own, as a tamperer would.
    func tamper(_ sql: String) throws {
        var db: OpaquePointer?
        try #require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        defer { sqlite3_close_v2(db) }
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(db, sql, nil, nil, &message)
        try #require(status == SQLITE_OK, "\(sql): \(message.map { String(cString: $0) } ?? "")")
    }

    func expectBroken(at row: Int64, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try AuditLog.verify(path: path)
        guard case .broken(let at, let reason) = result else {
            Issue.record("expected broken at row \(row), got \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(at == row, "\(reason)", sourceLocation: sourceLocation)
        #expect(reason.contains(words), "\(reason)", sourceLocation: sourceLocation)
    }

    /// The hash a forger who knows the scheme would compute for row `id` after changing it.
    func forgedHash(of id: Int64) throws -> String {
        let record = try #require(AuditLog.query(path: path, filter: AuditFilter()).first { $0.id == id })
        let previous = id == 1 ? AuditChain.genesis : try #require(AuditLog.query(path: path, filter: AuditFilter()).first { $0.id == id - 1 }?.hash)
        let event = record.event
        return AuditChain.hash(previous: previous, id: id, time: record.time, type: event.type, profile: event.profile,
                               session: event.session, verdict: event.verdict, fields: CanonicalJSON.object(event.fields))
    }

    @Test func anEditedVerdict() throws {
        try tamper("UPDATE events SET verdict = 'allow' WHERE id = 5")
        try expectBroken(at: 5, "edited")
    }

    @Test func anEditedFieldsObjectOrTime() throws {
        try tamper(#"UPDATE events SET fields = '{"n":"6","tool":"Read"}' WHERE id = 7"#)
        try expectBroken(at: 7, "edited")
        try tamper(#"UPDATE events SET fields = '{"n":"6","tool":"Bash"}' WHERE id = 7; UPDATE events SET time = time + 1 WHERE id = 3"#)
        try expectBroken(at: 3, "edited")
    }

    @Test func aNullColumnMadeEmpty() throws {
        try tamper("UPDATE events SET profile = NULL WHERE id = 2")
        try expectBroken(at: 2, "edited")
    }

    @Test func aDeletedMiddleRow() throws {
        try tamper("DELETE FROM events WHERE id = 4")
        try expectBroken(at: 4, "row 4 is missing")
    }

    @Test func deletedRowsRenumberedToCloseTheGap() throws {
        try tamper("DELETE FROM events WHERE id = 4; UPDATE events SET id = id - 1 WHERE id > 4")
        try expectBroken(at: 4, "edited")
    }

    @Test func theFirstRowDeleted() throws {
        try tamper("DELETE FROM events WHERE id = 1")
        try expectBroken(at: 1, "row 1 is missing")
    }

    @Test func twoRowsSwapped() throws {
        try tamper("""
        CREATE TEMP TABLE keep AS SELECT * FROM events WHERE id IN (3, 8);
        UPDATE events SET (time, type, profile, session, verdict, fields, hash) =
          (SELECT time, type, profile, session, verdict, fields, hash FROM keep WHERE keep.id = 11 - events.id) WHERE id IN (3, 8);
        """)
        try expectBroken(at: 3, "moved")
    }

    @Test func aHashRecomputedWrongly() throws {
        try tamper("UPDATE events SET hash = '\(SHA256.hash("not the chain").hex)' WHERE id = 6")
        try expectBroken(at: 6, "forged")
    }

    @Test func anEditWithItsOwnHashRecomputedBreaksTheNextRow() throws {
        try tamper("UPDATE events SET verdict = 'allow' WHERE id = 5")
        try tamper("UPDATE events SET hash = '\(try forgedHash(of: 5))' WHERE id = 5")
        try expectBroken(at: 6, "row before it")
    }

    @Test func aRowInsertedWithAForgedHash() throws {
        try tamper("UPDATE events SET id = id + 100 WHERE id > 6; UPDATE events SET id = id - 99 WHERE id > 100")
        try tamper(#"INSERT INTO events VALUES (7, 0, 'hook', 'work', 's-1', 'allow', '{}', '\#(String(repeating: "0", count: 64))')"#)
        try expectBroken(at: 7, "forged")
    }

    @Test func aRowAppendedWithAValidHashButNoHead() throws {
        try tamper(#"INSERT INTO events VALUES (11, 0, 'hook', 'work', 's-1', 'allow', '{}', 'x')"#)
        try tamper("UPDATE events SET hash = '\(try forgedHash(of: 11))' WHERE id = 11")
        try expectBroken(at: 11, "outside Ringlet")
    }

    @Test func aTruncatedTail() throws {
        try tamper("DELETE FROM events WHERE id > 7")
        try expectBroken(at: 8, "truncated")
    }

    @Test func aTruncatedTailThenNewEventsLeaveAGap() throws {
        try tamper("DELETE FROM events WHERE id > 7")
        let log = try AuditLog.open(path: path)
        log.record(AuditEvent(type: "launch"))
        log.close()
        try expectBroken(at: 8, "missing")
    }

    @Test func aRewrittenChainAndHeadIsNotDetected() throws {
        // What the doc comment admits: without a key, a full rewrite verifies. Edit row 5, re-chain 5–10, move the head.
        try tamper("UPDATE events SET verdict = 'allow' WHERE id = 5")
        for id: Int64 in 5 ... 10 { try tamper("UPDATE events SET hash = '\(try forgedHash(of: id))' WHERE id = \(id)") }
        try tamper("UPDATE chain_head SET hash = (SELECT hash FROM events WHERE id = 10)")
        #expect(try AuditLog.verify(path: path) == .intact(rows: 10))
    }
}
