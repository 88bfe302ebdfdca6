import Glibc
import RingletAudit
import RingletSystem

/// `ringlet audit verify|query|export`: reading the tamper-evident audit log that `ringlet run`, the
/// hook service and the proxy record into, to answer "what did the agent do, and what was refused".
enum AuditCommands {
    static var command: Command {
        Command("audit", summary: "the audit log: launches, hook and proxy verdicts, checked for tampering",
                subcommands: [verify, query, export])
    }

    static let pathOption = Command.Option("audit-log", value: "PATH", help: "the audit log (default <state>/audit.db)")

    static let verify = Command(
        "verify", summary: "check the log's hash chain (exit 0 intact, 1 broken)",
        discussion: """
        Recomputes every row's hash from its content and the row before it, and compares the end with
        the stored chain head. A broken chain names the first row that fails and why (edited, deleted,
        moved, truncated). An intact chain proves the rows were not changed by anyone who did not also
        rewrite every later hash: keep the printed head hash elsewhere to prove that too.
        """,
        options: [pathOption]
    ) { (invocation) throws(CLIError) in
        let path = logPath(invocation)
        do throws(AuditError) {
            switch try AuditLog.verify(path: path) {
            case .intact(let rows):
                Console.out("audit log \(path): intact, \(rows) row\(rows == 1 ? "" : "s"); head hash \(try AuditLog.headHash(path: path))")
                return .success
            case .broken(let row, let reason):
                Console.out("audit log \(path): broken at row \(row): \(reason)")
                return .failure
            }
        } catch {
            throw .failed(error.description)
        }
    }

    static let query = Command(
        "query", summary: "the events that match, oldest first (a table, or JSON lines with --json)",
        discussion: """
        --since and --until take a date (2026-05-01, UTC), a date and time (2026-05-01T14:30:00Z) or an age
        (30m, 2h, 7d: that long ago); --since is inclusive, --until exclusive. --limit keeps the most recent.
        """,
        options: [
            .init("since", value: "WHEN", help: "events at or after WHEN"),
            .init("until", value: "WHEN", help: "events before WHEN"),
            .init("profile", value: "NAME", help: "events of this profile"),
            .init("session", value: "ID", help: "events of this session"),
            .init("type", value: "TYPE", help: "launch, no-sandbox, degraded, session, hook, proxy, registry or token"),
            .init("verdict", value: "VERDICT", help: "allow or deny (hooks), allowed or denied (proxy)"),
            .init("limit", value: "N", help: "only the N most recent matches"),
            Command.jsonOption, pathOption,
        ]
    ) { (invocation) throws(CLIError) in
        var filter = AuditFilter(profile: invocation.value("profile"), session: invocation.value("session"),
                                 type: invocation.value("type"), verdict: invocation.value("verdict"))
        filter.since = try time("since", invocation)
        filter.until = try time("until", invocation)
        if let limit = try invocation.integer("limit") {
            guard limit > 0 else { throw .usage("--limit expects a positive number, got \(limit)", usage: invocation.usage) }
            filter.limit = limit
        }
        let path = logPath(invocation)
        if invocation.json { return try printLines(path, filter) }
        var table = TextTable(["ID", "TIME", "TYPE", "PROFILE", "SESSION", "VERDICT", "FIELDS"])
        do throws(AuditError) {
            try AuditLog.scan(path: path, filter: filter) { record in
                let event = record.event
                let fields = event.fields.keys.sorted().map { "\($0)=\(event.fields[$0]!)" }.joined(separator: " ")
                table.add([String(record.id), AuditTime.iso8601(record.time), event.type, event.profile ?? "-",
                           event.session ?? "-", event.verdict ?? "-", fields])
            }
        } catch {
            throw .failed(error.description)
        }
        Console.out(table.rows.isEmpty ? "no events match" : table.text)
        return .success
    }

    static let export = Command(
        "export", summary: "every row as JSON lines, oldest first (with its hash, for checking elsewhere)",
        options: [pathOption]
    ) { (invocation) throws(CLIError) in
        try printLines(logPath(invocation), AuditFilter())
    }

    static func logPath(_ invocation: Invocation) -> String {
        invocation.value("audit-log") ?? invocation.context.directories.state + "/audit.db"
    }

    /// One JSON object per line, written in chunks: an export can be millions of rows.
    static func printLines(_ path: String, _ filter: AuditFilter) throws(CLIError) -> ExitCode {
        var chunk = ""
        do throws(AuditError) {
            try AuditLog.scan(path: path, filter: filter) { record in
                if !chunk.isEmpty { chunk += "\n" }
                chunk += record.jsonLine
                if chunk.utf8.count >= 64 << 10 {
                    Console.out(chunk)
                    chunk = ""
                }
            }
        } catch {
            throw .failed(error.description)
        }
        if !chunk.isEmpty { Console.out(chunk) }
        return .success
    }

    /// `--since`/`--until` as epoch milliseconds: an age (30m, 2h, 7d, 45s), a date or a date and time (UTC).
    static func time(_ option: String, _ invocation: Invocation) throws(CLIError) -> Int64? {
        guard let text = invocation.value(option) else { return nil }
        guard let milliseconds = parseTime(text, now: AuditTime.now()) else {
            throw .usage("--\(option) takes a date (2026-05-01), a date and time (2026-05-01T14:30:00Z) or an age (30m, 2h, 7d), got '\(text)'",
                         usage: invocation.usage)
        }
        return milliseconds
    }

    static func parseTime(_ text: String, now: Int64) -> Int64? {
        if let age = Age.milliseconds(text) { return now - age }
        return UTCTime.parse(text)
    }
}
