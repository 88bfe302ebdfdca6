import Glibc
import RingletSystem

/// The usage index, `~/.local/state/ringlet/usage.db`: every model call read from the agents' own
/// records, each file's read offset, and the Ringlet sessions' spans. SQLite in WAL mode, so the
/// daemon can read while a `ringlet usage` scans.
///
/// Scanning is incremental: a file is read from where the last scan stopped (a file that shrank or
/// was replaced is read again from the start), and a last line without its newline is left for the
/// next scan, since its agent may be writing it. A call seen twice (the same message id) counts once.
///
/// Reports read `daily`, the records summed per profile, UTC day, model and session, rebuilt for the
/// days a scan or a session span touched: a report over a year is a few thousand rows, not every call.
public final class UsageIndex: @unchecked Sendable {
    let database: UsageDatabase

    /// `<state>/usage.db`.
    public static func defaultPath(stateDirectory: String) -> String { stateDirectory + "/usage.db" }

    /// Opens (creating it and its folder if needed) the index at `path`.
    public init(path: String) throws(UsageError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            do throws(SystemError) { try Directory.create(String(path[..<slash]), mode: 0o700) } catch {
                throw .store(path: path, reason: error.description)
            }
        }
        database = try UsageDatabase(path: path)
        do throws(UsageError) {
            try database.execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS files (
                    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, profile TEXT NOT NULL, reader TEXT NOT NULL,
                    inode INTEGER NOT NULL, size INTEGER NOT NULL, offset INTEGER NOT NULL, state TEXT);
                CREATE TABLE IF NOT EXISTS records (
                    id INTEGER PRIMARY KEY, profile TEXT NOT NULL, key TEXT NOT NULL, ts INTEGER NOT NULL, model TEXT NOT NULL,
                    agent_session TEXT, session TEXT, input INTEGER NOT NULL, output INTEGER NOT NULL,
                    cache_write INTEGER NOT NULL, cache_read INTEGER NOT NULL, file INTEGER NOT NULL, offset INTEGER NOT NULL,
                    UNIQUE (profile, key));
                CREATE INDEX IF NOT EXISTS records_ts ON records (ts);
                CREATE INDEX IF NOT EXISTS records_session ON records (session);
                CREATE TABLE IF NOT EXISTS spans (
                    session TEXT PRIMARY KEY, profile TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER);
                CREATE TABLE IF NOT EXISTS daily (
                    profile TEXT NOT NULL, day INTEGER NOT NULL, model TEXT NOT NULL, session TEXT NOT NULL,
                    input INTEGER NOT NULL, output INTEGER NOT NULL, cache_write INTEGER NOT NULL, cache_read INTEGER NOT NULL,
                    calls INTEGER NOT NULL, PRIMARY KEY (profile, day, model, session));
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        } catch {
            database.close()
            throw error
        }
    }

    /// Closes the database; the index is unusable afterwards. Also done when the index is released.
    public func close() {
        database.close()
    }

    /// Records sessions' spans (a new one, or the end of one already known).
    public func record(spans: [SessionSpan]) throws(UsageError) {
        let upsert = try database.prepare("""
            INSERT INTO spans (session, profile, start, end) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (session) DO UPDATE SET end = COALESCE(excluded.end, spans.end)
            """)
        try database.transaction { () throws(UsageError) in
            var touched: Set<DayKey> = []
            for span in spans {
                upsert.bind(1, span.session)
                upsert.bind(2, span.profile)
                upsert.bind(3, span.start)
                upsert.bind(4, span.end)
                try upsert.run()
                // Usage indexed while the session was unknown (or open) is attributed now.
                touched.formUnion(try attribute(span))
            }
            try rebuildDaily(touched)
        }
    }

    /// Every span, per profile, oldest first.
    func spansByProfile() throws(UsageError) -> [String: [SessionSpan]] {
        let select = try database.prepare("SELECT session, profile, start, end FROM spans ORDER BY start")
        var result: [String: [SessionSpan]] = [:]
        while try select.step() {
            let span = SessionSpan(session: select.text(0) ?? "", profile: select.text(1) ?? "", start: select.int64(2), end: select.optionalInt64(3))
            result[span.profile, default: []].append(span)
        }
        return result
    }

    /// The span of `session`, if it is known.
    public func span(of session: String) throws(UsageError) -> SessionSpan? {
        let select = try database.prepare("SELECT session, profile, start, end FROM spans WHERE session = ?1")
        select.bind(1, session)
        guard try select.step() else { return nil }
        return SessionSpan(session: select.text(0) ?? "", profile: select.text(1) ?? "", start: select.int64(2), end: select.optionalInt64(3))
    }

    /// Attributes the span's unattributed usage to it; returns the days that changed.
    private func attribute(_ span: SessionSpan) throws(UsageError) -> Set<DayKey> {
        let update = try database.prepare("""
            UPDATE records SET session = ?1 WHERE profile = ?2 AND ts >= ?3 AND (?4 IS NULL OR ts <= ?4) AND session IS NULL
            RETURNING ts / 86400000
            """)
        update.bind(1, span.session)
        update.bind(2, span.profile)
        update.bind(3, span.start)
        update.bind(4, span.end)
        defer { update.reset() }
        var days: Set<DayKey> = []
        while try update.step() { days.insert(DayKey(profile: span.profile, day: update.int64(0))) }
        return days
    }

    /// A profile's UTC day, the unit `daily` is rebuilt in.
    struct DayKey: Hashable {
        var profile: String
        var day: Int64
    }

    /// Sums the records of each touched day into `daily` again (inside the caller's transaction).
    func rebuildDaily(_ days: Set<DayKey>) throws(UsageError) {
        guard !days.isEmpty else { return }
        let delete = try database.prepare("DELETE FROM daily WHERE profile = ?1 AND day = ?2")
        let insert = try database.prepare("""
            INSERT INTO daily (profile, day, model, session, input, output, cache_write, cache_read, calls)
            SELECT profile, ?2, model, COALESCE(session, ''), SUM(input), SUM(output), SUM(cache_write), SUM(cache_read), COUNT(*)
            FROM records WHERE profile = ?1 AND ts >= ?2 * 86400000 AND ts < (?2 + 1) * 86400000 GROUP BY model, COALESCE(session, '')
            """)
        for key in days {
            for statement in [delete, insert] {
                statement.bind(1, key.profile)
                statement.bind(2, key.day)
                try statement.run()
            }
        }
    }

    func meta(_ key: String) throws(UsageError) -> String? {
        let select = try database.prepare("SELECT value FROM meta WHERE key = ?1")
        select.bind(1, key)
        return try select.step() ? select.text(0) : nil
    }

    func setMeta(_ key: String, _ value: String) throws(UsageError) {
        let upsert = try database.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        upsert.bind(1, key)
        upsert.bind(2, value)
        try upsert.run()
    }
}
