import Foundation
import RingletAudit
import RingletTestSupport
import Testing

/// Many threads, and two logs open on one file as two processes would have, recording at once:
/// every event is kept exactly once, each thread's events keep their order, and the chain is intact.
@Suite struct AuditConcurrencyTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("ringlet-audit-concurrency")
    }

    @Test func manyThreadsOnTwoConnections() throws {
        let path = folder.file("audit.db")
        let logs = [try AuditLog.open(path: path), try AuditLog.open(path: path)]
        let threads = 8, perThread = 2_500
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let log = logs[thread % logs.count]
            for index in 0 ..< perThread {
                log.record(AuditEvent(type: "hook", profile: "p\(thread)", verdict: "allow", fields: ["thread": "\(thread)", "n": "\(index)"]))
            }
        }
        for log in logs { log.close() }

        #expect(try AuditLog.verify(path: path) == .intact(rows: threads * perThread))
        // In id (chain) order: queries sort by time, and two writers' commits interleave their stamps.
        let records = try AuditLog.query(path: path, filter: AuditFilter()).sorted { $0.id < $1.id }
        #expect(records.map(\.id) == Array(1 ... Int64(threads * perThread)), "ids are not 1…\(threads * perThread) without gaps")
        for thread in 0 ..< threads {
            let mine = records.filter { $0.event.fields["thread"] == "\(thread)" }.map { Int($0.event.fields["n"]!)! }
            #expect(mine == Array(0 ..< perThread), "thread \(thread): \(mine.count) events, in order: \(mine == mine.sorted())")
            #expect(try AuditLog.count(path: path, filter: AuditFilter(profile: "p\(thread)")) == perThread)
        }
    }

    @Test func flushWhileOthersRecordReturnsWithTheCallersEventsCommitted() throws {
        let path = folder.file("audit.db")
        let log = try AuditLog.open(path: path)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0 ..< 500 {
                log.record(AuditEvent(type: "proxy", session: "t\(thread)", fields: ["n": "\(index)"]))
                if index % 100 == 99 {
                    log.flush()
                    let committed = (try? AuditLog.count(path: path, filter: AuditFilter(session: "t\(thread)"))) ?? -1
                    #expect(committed >= index + 1)
                }
            }
        }
        log.close()
        #expect(try AuditLog.verify(path: path) == .intact(rows: 2_000))
    }
}
