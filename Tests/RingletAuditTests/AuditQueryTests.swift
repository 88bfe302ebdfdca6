import Foundation
import RingletAudit
import RingletTestSupport
import Testing

/// Every filter of `AuditLog.query`, alone and combined, and `count`, on one log whose events were
/// recorded in two batches separated in time.
@Suite struct AuditQueryTests {
    let folder: TemporaryDirectory
    let path: String
    /// Between the two batches: the first batch is before it, the second at or after it.
    let middle: Int64

    init() throws {
        folder = try TemporaryDirectory("ringlet-audit-query")
        path = folder.file("audit.db")
        let log = try AuditLog.open(path: path)
        for index in 0 ..< 20 { log.record(Self.event(index)) }
        log.flush()
        usleep(20_000)
        middle = AuditTime.now()
        usleep(20_000)
        for index in 20 ..< 40 { log.record(Self.event(index)) }
        log.close()
    }

    /// Profiles a/b alternate, sessions cycle through s0–s3, types hook/proxy/launch, verdicts by type.
    static func event(_ index: Int) -> AuditEvent {
        let type = ["hook", "proxy", "launch"][index % 3]
        let verdict: String? = switch type {
        case "hook": index % 2 == 0 ? "deny" : "allow"
        case "proxy": index % 2 == 0 ? "denied" : "allowed"
        default: nil
        }
        return AuditEvent(type: type, profile: index % 2 == 0 ? "a" : "b", session: "s\(index % 4)", verdict: verdict, fields: ["n": "\(index)"])
    }

    func indexes(_ filter: AuditFilter) throws -> [Int] {
        try AuditLog.query(path: path, filter: filter).map { Int($0.event.fields["n"]!)! }
    }

    func expected(_ range: Range<Int> = 0 ..< 40, _ include: (AuditEvent) -> Bool) -> [Int] {
        range.filter { include(Self.event($0)) }
    }

    @Test func noFilterReturnsEverythingOldestFirst() throws {
        #expect(try indexes(AuditFilter()) == Array(0 ..< 40))
    }

    @Test func eachColumnFilter() throws {
        #expect(try indexes(AuditFilter(profile: "a")) == expected { $0.profile == "a" })
        #expect(try indexes(AuditFilter(session: "s2")) == expected { $0.session == "s2" })
        #expect(try indexes(AuditFilter(type: "proxy")) == expected { $0.type == "proxy" })
        #expect(try indexes(AuditFilter(verdict: "deny")) == expected { $0.verdict == "deny" })
        #expect(try indexes(AuditFilter(profile: "nobody")).isEmpty)
    }

    @Test func sinceIsInclusiveAndUntilExclusive() throws {
        #expect(try indexes(AuditFilter(since: middle)) == Array(20 ..< 40))
        #expect(try indexes(AuditFilter(until: middle)) == Array(0 ..< 20))
        let records = try AuditLog.query(path: path, filter: AuditFilter())
        let time = records[25].time
        #expect(try AuditLog.query(path: path, filter: AuditFilter(since: time, until: time + 1)).allSatisfy { $0.time == time })
        #expect(try AuditLog.query(path: path, filter: AuditFilter(since: time)).first?.time == time)
        #expect(try AuditLog.query(path: path, filter: AuditFilter(until: time)).allSatisfy { $0.time < time })
    }

    @Test func limitKeepsTheMostRecentOldestFirst() throws {
        #expect(try indexes(AuditFilter(limit: 5)) == Array(35 ..< 40))
        #expect(try indexes(AuditFilter(type: "hook", limit: 2)) == Array(expected { $0.type == "hook" }.suffix(2)))
        #expect(try indexes(AuditFilter(limit: 100)) == Array(0 ..< 40))
    }

    @Test func filtersCombine() throws {
        #expect(try indexes(AuditFilter(since: middle, profile: "a", type: "hook"))
                == expected(20 ..< 40) { $0.profile == "a" && $0.type == "hook" })
        #expect(try indexes(AuditFilter(until: middle, session: "s1", verdict: "allowed"))
                == expected(0 ..< 20) { $0.session == "s1" && $0.verdict == "allowed" })
    }

    @Test func countMatchesTheQuery() throws {
        for filter in [AuditFilter(), AuditFilter(verdict: "deny"), AuditFilter(since: middle, profile: "b"), AuditFilter(type: "nothing")] {
            #expect(try AuditLog.count(path: path, filter: filter) == AuditLog.query(path: path, filter: filter).count)
        }
    }
}
