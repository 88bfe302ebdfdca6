import Foundation
import Glibc
import RingletAudit
import RingletTestSupport
import Testing

/// `kill -9` of a process recording as fast as it can, at different moments: the file opens and
/// verifies, holds exactly a prefix of the events in order (only uncommitted ones are lost), and
/// recording resumes on the same chain. The writer is `ringlet-bench audit-burst`, built with the
/// tests, which records event n with `fields["n"] = n` from one thread.
@Suite struct AuditCrashTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("ringlet-audit-crash")
    }

    static var bench: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ringlet-bench").path
    }

    @Test(arguments: [0, 30_000, 150_000, 400_000])
    func killedMidBurst(afterMicroseconds delay: UInt32) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.bench), "build ringlet-bench first: \(Self.bench)")
        let path = folder.file("audit.db")
        let burst = try BackgroundProcess(Self.bench, ["audit-burst", path], in: folder.path, environment: [:])
        try #require(burst.waitForStderr(containing: "recording") != nil, "audit-burst did not start: \(burst.stderrSoFar)")
        usleep(delay)
        burst.signal(SIGKILL)
        let result = try #require(burst.waitForExit(timeout: .seconds(10)))
        #expect(result.status != 0)

        guard case .intact(let rows) = try AuditLog.verify(path: path) else {
            Issue.record("the log does not verify after kill -9: \(try AuditLog.verify(path: path))")
            return
        }
        #expect(rows >= 1)
        let records = try AuditLog.query(path: path, filter: AuditFilter())
        #expect(records.count == rows)
        let prefix = records.enumerated().allSatisfy { index, record in
            record.id == Int64(index + 1) && record.event.fields["n"] == String(index)
        }
        #expect(prefix, "the rows kept are not the first \(rows) events in order")

        let log = try AuditLog.open(path: path)
        log.record(AuditEvent(type: "session", fields: ["after": "crash"]))
        log.close()
        #expect(try AuditLog.verify(path: path) == .intact(rows: rows + 1))
    }
}
