import CSQLite

/// The usage index's SQLite handle, closed exactly once. One thread at a time uses it (the scanning or
/// querying caller), which is why it may cross threads despite the raw pointer.
final class UsageDatabase: @unchecked Sendable {
    private var handle: OpaquePointer?
    let path: String

    init(path: String) throws(UsageError) {
        self.path = path
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(opened)
            throw .store(path: path, reason: message)
        }
        handle = opened
        // Another `ringlet usage` (or the daemon) may be scanning: wait for it rather than fail.
        sqlite3_busy_timeout(opened, 10_000)
    }

    var pointer: OpaquePointer { handle! }

    func execute(_ sql: String) throws(UsageError) {
        let status = sqlite3_exec(pointer, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status) }
    }

    func prepare(_ sql: String) throws(UsageError) -> UsageStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(pointer, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        return UsageStatement(statement, database: self)
    }

    var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(pointer) }

    func failure(_ status: Int32) -> UsageError {
        .store(path: path, reason: String(cString: sqlite3_errmsg(pointer)))
    }

    /// Runs `body` in one transaction: a scan's records and its new offsets are committed together, so
    /// an interrupted scan neither loses nor double-counts anything.
    func transaction<T>(_ body: () throws(UsageError) -> T) throws(UsageError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    deinit { close() }
}
