import Glibc
import RingletAudit
import RingletSystem

/// The audit log's cost: insert throughput with the hash chain (target ≥ 20,000 events/s) from one
/// recording thread, then, over the resulting 1,000,000 rows, the latency of the queries
/// `ringlet audit query` runs (each opening the file, as the command does) and of a full verify.
/// Also `audit-burst`, the recording process that the crash test kills mid-commit.
enum AuditBenchmark {
    static let profiles = (0 ..< 10).map { "profile-\($0)" }

    /// Event `index` of a realistic mix: 60% hook verdicts (10% denied), 35% proxy verdicts, the rest
    /// launches and sessions, spread over 10 profiles and 100 sessions. `fields["n"]` is the index, so
    /// a reader can tell which events made it.
    static func event(_ index: Int) -> AuditEvent {
        let profile = profiles[index % profiles.count]
        let session = "session-\(index % 100)"
        switch index % 20 {
        case 0:
            return AuditEvent(type: "launch", profile: profile, session: session, fields: ["n": String(index), "agent": "claude-code", "sandbox": "bwrap"])
        case 1 ... 7:
            return AuditEvent(type: "proxy", profile: profile, session: session, verdict: index % 20 == 7 ? "denied" : "allowed",
                              fields: ["n": String(index), "host": "api.example.com", "port": "443"])
        default:
            return AuditEvent(type: "hook", profile: profile, session: session, verdict: index % 10 == 9 ? "deny" : "allow",
                              fields: ["n": String(index), "tool": "Bash", "input": #"{"command":"ls -la src/"}"#, "hook": "safe-shell"])
        }
    }

    /// `ringlet-bench audit-burst PATH [COUNT]`: records `event(0)`, `event(1)`, … from one thread, COUNT
    /// of them then closes, or until killed. Prints "recording" on stderr once the first event is committed.
    static func burst(path: String, count: Int?) {
        let log: AuditLog
        do throws(AuditError) { log = try AuditLog.open(path: path) } catch { fail("\(error)") }
        log.record(event(0))
        log.flush()
        _ = write(STDERR_FILENO, "recording\n", 10)
        var index = 1
        while count.map({ index < $0 }) ?? true {
            log.record(event(index))
            index += 1
        }
        log.close()
        print("recorded \(index) events")
    }

    /// What a hook or the proxy pays per event: 4,000 calls (under the queue's bound, so none waits)
    /// into an idle log, median of 21 rounds, in microseconds.
    static func recordCost(path: String) -> Double {
        let log: AuditLog
        do throws(AuditError) { log = try AuditLog.open(path: path) } catch { fail("\(error)") }
        let samples = (0 ..< 21).map { _ in
            let elapsed = time { for index in 0 ..< 4000 { log.record(event(index)) } }
            log.flush()
            return elapsed
        }
        log.close()
        return seconds(median(samples)) / 4000 * 1e6
    }

    static func measure(rows: Int) {
        let root = "/tmp/ringlet-bench-audit-\(getpid())"
        scratchFolders.append(root)
        let path = root + "/audit.db"
        print("audit log benchmark: \(rows) events recorded from one thread, then queries over them (median of 21)")

        let log: AuditLog
        do throws(AuditError) { log = try AuditLog.open(path: path) } catch { fail("\(error)") }
        var sinceTime: Int64 = 0
        let insert = time {
            for index in 0 ..< rows {
                if index == rows * 9 / 10 { sinceTime = AuditTime.now() }
                log.record(event(index))
            }
            log.flush()
        }
        log.close()
        let rate = Double(rows) / seconds(insert)
        print("insert with the chain: \(Int(rate)) events/s (\(rows) in \(milliseconds(insert)); target ≥ 20000: \(rate >= 20_000 ? "met" : "not met"))")
        print("record() while the writer keeps up: \(twoDecimals(recordCost(path: root + "/idle.db"))) µs per call, on the caller's thread")

        let queries: [(String, AuditFilter)] = [
            ("profile + type + since (last 10%)", AuditFilter(since: sinceTime, profile: "profile-3", type: "hook")),
            ("session, most recent 50", AuditFilter(session: "session-42", limit: 50)),
        ]
        for (name, filter) in queries {
            var matched = 0
            let samples = (0 ..< 21).map { _ in
                time {
                    do throws(AuditError) { matched = try AuditLog.query(path: path, filter: filter).count } catch { fail("\(error)") }
                }
            }
            print("query \(name): \(matched) rows, median \(milliseconds(median(samples)))")
        }
        var denied = 0
        let counts = (0 ..< 21).map { _ in
            time {
                do throws(AuditError) { denied = try AuditLog.count(path: path, filter: AuditFilter(verdict: "deny")) } catch { fail("\(error)") }
            }
        }
        print("count verdict = deny: \(denied), median \(milliseconds(median(counts)))")
        var verification = AuditVerification.intact(rows: 0)
        let verify = time {
            do throws(AuditError) { verification = try AuditLog.verify(path: path) } catch { fail("\(error)") }
        }
        guard verification == .intact(rows: rows) else { fail("the benchmark's log does not verify: \(verification)") }
        let size: Int = if case .file(let bytes) = FileStatus.of(path) { bytes } else { 0 }
        print("verify \(rows) rows: \(milliseconds(verify)); file \(size >> 20) MiB")
        try? Directory.removeTree(root)
    }
}
