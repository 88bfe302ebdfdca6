import CSQLite

/// A prepared statement, reset and rebound for each row (preparing is most of an insert's cost);
/// finalized exactly once.
final class UsageStatement {
    private let statement: OpaquePointer
    private let database: UsageDatabase
    /// SQLITE_TRANSIENT: SQLite copies bound text, so Swift's temporary buffers may go away.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, database: UsageDatabase) {
        self.statement = statement
        self.database = database
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        sqlite3_bind_int64(statement, index, value)
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        sqlite3_bind_text(statement, index, value, Int32(value.utf8.count), Self.transient)
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    func step() throws(UsageError) -> Bool {
        let status = sqlite3_step(statement)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure(status)
        }
    }

    /// Runs a statement that returns no rows, then readies it for the next use.
    func run() throws(UsageError) {
        defer { reset() }
        _ = try step()
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    /// The column as text, or nil when it is NULL.
    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    deinit { sqlite3_finalize(statement) }
}
