import Foundation
import RingletTestSupport
import Testing

/// `ringlet audit verify|query|export` with the built binary, on a log written by `ringlet-bench
/// audit-burst` (40 events: every 20th a launch, 7 in 20 proxy verdicts, the rest hook verdicts, over
/// profile-0…9 and session-0…99, `fields.n` = the event's index) in the default place,
/// `$RINGLET_HOME/state/audit.db`.
@Suite struct AuditCommandTests {
    let workspace: RingletWorkspace
    let log: String

    init() throws {
        workspace = try RingletWorkspace()
        log = workspace.home + "/state/audit.db"
        let bench = URL(fileURLWithPath: workspace.ringlet.path).deletingLastPathComponent().appendingPathComponent("ringlet-bench").path
        try succeed(try ProcessRunner.run(bench, ["audit-burst", log, "40"]))
    }

    /// The JSON lines of a run, parsed.
    func lines(_ result: ProcessResult) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func numbers(_ rows: [[String: Any]]) -> [Int] {
        rows.compactMap { ($0["fields"] as? [String: String])?["n"].flatMap(Int.init) }
    }

    @Test func verifyAnIntactLog() throws {
        let result = try workspace.run("audit", "verify")
        expect(result, exit: Exit.ok, stdout: ["audit log \(log): intact, 40 rows", "head hash "])
    }

    @Test func verifyATamperedLogNamesTheRow() throws {
        try #require((try? ProcessRunner.which("sqlite3")) != nil, "the sqlite3 command is needed to tamper with the log")
        try succeed(try ProcessRunner.run("sqlite3", [log, "UPDATE events SET verdict = 'allow' WHERE id = 10"]))
        expect(try workspace.run("audit", "verify"), exit: Exit.failure, stdout: ["broken at row 10", "edited"])
        try succeed(try ProcessRunner.run("sqlite3", [log, "DELETE FROM events WHERE id = 5"]))
        expect(try workspace.run("audit", "verify", "--audit-log", log), exit: Exit.failure, stdout: ["broken at row 5", "missing"])
    }

    @Test func queryAsATable() throws {
        let result = try succeed(try workspace.run("audit", "query", "--profile", "profile-3", "--type", "hook"))
        let rows = result.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("ID") == true && rows.first?.contains("VERDICT") == true, "\(result)")
        // Indexes 3, 13, 23 and 33 are profile-3; 13 and 33 are hooks (index % 20 ≥ 8), 3 and 23 proxy verdicts.
        #expect(rows.count == 3, "\(result)")
        #expect(rows.dropFirst().allSatisfy { $0.contains("hook") && $0.contains("profile-3") && $0.contains("tool=Bash") }, "\(result)")
    }

    @Test func queryFiltersAsJSONLines() throws {
        let hooks = try lines(try succeed(try workspace.run("audit", "query", "--type", "hook", "--verdict", "deny", "--json")))
        #expect(numbers(hooks) == [9, 19, 29, 39])
        #expect(hooks.allSatisfy { $0["type"] as? String == "hook" && $0["verdict"] as? String == "deny" })
        let session = try lines(try succeed(try workspace.run("audit", "query", "--session", "session-7", "--json")))
        #expect(numbers(session) == [7])
        #expect(session.first?["hash"] as? String != nil && (session.first?["time"] as? String)?.hasSuffix("Z") == true)
        let proxy = try lines(try succeed(try workspace.run("audit", "query", "--type", "proxy", "--verdict", "denied", "--json")))
        #expect(numbers(proxy) == [7, 27])
        let recent = try lines(try succeed(try workspace.run("audit", "query", "--limit", "3", "--json")))
        #expect(numbers(recent) == [37, 38, 39])
    }

    @Test func queryByTime() throws {
        #expect(numbers(try lines(try succeed(try workspace.run("audit", "query", "--since", "2h", "--json")))) == Array(0 ..< 40))
        #expect(numbers(try lines(try succeed(try workspace.run("audit", "query", "--since", "2026-01-01", "--until", "30d", "--json")))).isEmpty)
        let none = try succeed(try workspace.run("audit", "query", "--until", "2000-01-01T00:00:00Z"))
        #expect(none.stdout == "no events match\n")
        #expect(numbers(try lines(try succeed(try workspace.run("audit", "query", "--since", "7d", "--until", "2099-12-31", "--json")))).count == 40)
    }

    @Test func badTimesAreUsageErrors() throws {
        for value in ["yesterday", "2h30m", "2026-13-01", "2026-02-31", "-5m", ""] {
            expect(try workspace.run("audit", "query", "--since", value), exit: Exit.usage, stderr: ["--since takes a date"])
        }
        expect(try workspace.run("audit", "query", "--until", "soon"), exit: Exit.usage, stderr: ["--until takes a date"])
    }

    @Test func exportEveryRow() throws {
        let rows = try lines(try succeed(try workspace.run("audit", "export")))
        #expect(rows.map { $0["id"] as? Int } == Array(1 ... 40))
        #expect(numbers(rows) == Array(0 ..< 40))
        #expect(Set(rows.first?.keys.map { $0 } ?? []) == ["fields", "hash", "id", "profile", "session", "time", "type", "verdict"])
    }

    @Test func aMissingLogIsAFailureThatSaysWhere() throws {
        let elsewhere = workspace.path("none/audit.db")
        for command in [["verify"], ["query"], ["export"]] {
            expect(try workspace.run(["audit"] + command + ["--audit-log", elsewhere]), exit: Exit.failure, stderr: ["no audit log at \(elsewhere)"])
        }
    }
}
