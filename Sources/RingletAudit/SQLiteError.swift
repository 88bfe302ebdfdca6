import CSQLite

/// A failed SQLite call: its primary result code (so callers can tell a full disk or a read-only
/// file from corruption) and SQLite's own message.
struct SQLiteError: Error, Sendable {
    var code: Int32
    var message: String

    var primaryCode: Int32 { code & 0xFF }
}
