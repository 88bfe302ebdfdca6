import CSQLite
import Glibc
import RingletSystem

/// Opening the audit log's SQLite file for writing or reading, and its schema.
///
/// Rows live in `events`; `chain_head` holds the count, last id and last hash, updated in the same
/// transaction as every append. Writers chain from `chain_head`, not from the last row, so a deleted
/// tail shows up as a gap once anything is appended, and `verify` compares the head with the rows.
enum AuditDatabase {
    static let schemaVersion = 1
    /// Below this much free space opening for writing fails: SQLite could not be trusted to commit.
    static let minimumFreeBytes: UInt64 = 1 << 20
    /// How long a writer waits for another process's transaction on the same file.
    static let busyTimeoutMilliseconds: Int32 = 30_000

    static let schema = """
    CREATE TABLE IF NOT EXISTS events(
      id INTEGER PRIMARY KEY,
      time INTEGER NOT NULL,
      type TEXT NOT NULL,
      profile TEXT,
      session TEXT,
      verdict TEXT,
      fields TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS chain_head(
      one INTEGER PRIMARY KEY CHECK (one = 1),
      rows INTEGER NOT NULL,
      last_id INTEGER NOT NULL,
      hash TEXT NOT NULL
    );
    INSERT OR IGNORE INTO chain_head VALUES (1, 0, 0, '\(AuditChain.genesis)');
    CREATE INDEX IF NOT EXISTS events_time ON events(time);
    CREATE INDEX IF NOT EXISTS events_profile ON events(profile, type, time);
    CREATE INDEX IF NOT EXISTS events_session ON events(session, time);
    CREATE INDEX IF NOT EXISTS events_type ON events(type, time);
    CREATE INDEX IF NOT EXISTS events_verdict ON events(verdict, time);
    PRAGMA user_version = \(schemaVersion);
    """

    /// Creates the folder (0700) and file (0600) if needed, switches to WAL and proves that a write
    /// commits, so an unwritable path or a full disk is reported now rather than lost later.
    static func openForWriting(_ path: String) throws(AuditError) -> SQLiteConnection {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        do throws(SystemError) {
            if !folder.isEmpty && !FileStatus.of(folder).exists { try Directory.create(folder, mode: 0o700) }
            let file = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT, mode: 0o600, operation: "create")
            file.close()
        } catch {
            if error.errno == ENOSPC { throw .diskFull(path: path) }
            throw .unwritable(path: path, reason: "\(error)")
        }
        var space = statvfs()
        if statvfs(folder.isEmpty ? "/" : folder, &space) == 0, UInt64(space.f_bavail) * UInt64(space.f_frsize) < minimumFreeBytes {
            throw .diskFull(path: path)
        }
        let connection: SQLiteConnection
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path)
        } catch {
            throw failure(error, path: path)
        }
        guard sqlite3_db_readonly(connection.pointer, "main") == 0 else {
            throw .unwritable(path: path, reason: "the file is read-only")
        }
        do throws(SQLiteError) {
            sqlite3_busy_timeout(connection.pointer, busyTimeoutMilliseconds)
            try connection.execute("PRAGMA journal_mode = WAL")
            // FULL: each commit is on disk when it returns, so a power cut loses only what was queued.
            try connection.execute("PRAGMA synchronous = FULL")
            try checkVersion(connection, path: path)
            try connection.execute("BEGIN IMMEDIATE")
            do throws(SQLiteError) {
                try connection.execute(schema)
                try connection.execute("UPDATE chain_head SET one = 1")
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        } catch {
            connection.close()
            throw failure(error, path: path)
        }
        return connection
    }

    /// Opens an existing log for reading; it is never created. Read-write when the file allows, so that
    /// SQLite can recover the WAL index after a writer was killed.
    static func openForReading(_ path: String) throws(AuditError) -> SQLiteConnection {
        guard FileStatus.of(path).exists else { throw .notFound(path: path) }
        do throws(SQLiteError) {
            let connection = try SQLiteConnection(path: path)
            sqlite3_busy_timeout(connection.pointer, busyTimeoutMilliseconds)
            try checkVersion(connection, path: path)
            return connection
        } catch {
            throw failure(error, path: path)
        }
    }

    /// A file from a newer Ringlet may chain differently; reading it as version 1 would mislead.
    private static func checkVersion(_ connection: SQLiteConnection, path: String) throws(SQLiteError) {
        let statement = try connection.prepare("PRAGMA user_version")
        _ = try statement.step()
        let version = statement.int64(0)
        guard version <= schemaVersion else {
            throw SQLiteError(code: SQLITE_ERROR, message: "it was written by a newer Ringlet (schema \(version)); use that version")
        }
    }

    static func failure(_ error: SQLiteError, path: String) -> AuditError {
        switch error.primaryCode {
        case SQLITE_FULL: .diskFull(path: path)
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH, SQLITE_IOERR: .unwritable(path: path, reason: error.message)
        default: .unreadable(path: path, reason: error.message)
        }
    }
}
