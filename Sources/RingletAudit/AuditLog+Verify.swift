extension AuditLog {
    /// Recomputes the chain in id order and compares its end with the stored head; reports the first
    /// row where it breaks. See `AuditLog` for what an intact result does and does not prove.
    public static func verify(path: String) throws(AuditError) -> AuditVerification {
        let connection = try AuditDatabase.openForReading(path)
        defer { connection.close() }
        do throws(SQLiteError) {
            // One read transaction: the rows and the head come from the same snapshot while writers go on.
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            let headStatement = try connection.prepare("SELECT rows, last_id, hash FROM chain_head WHERE one = 1")
            guard try headStatement.step() else { return .broken(atRow: 1, reason: "the chain head is missing") }
            let head = (rows: headStatement.int64(0), lastID: headStatement.int64(1), hash: headStatement.text(2) ?? "")
            let rows = try connection.prepare("SELECT id, time, type, profile, session, verdict, fields, hash FROM events ORDER BY id")
            var expected: Int64 = 1
            var previous = AuditChain.genesis
            while try rows.step() {
                let id = rows.int64(0)
                if id > expected {
                    let missing = id - 1 == expected ? "row \(expected) is" : "rows \(expected)–\(id - 1) are"
                    return .broken(atRow: expected, reason: "\(missing) missing: deleted from the log")
                }
                if id < expected {
                    return .broken(atRow: id, reason: "row \(id) is out of sequence: the chain starts at 1 and counts up")
                }
                let stored = rows.text(7) ?? ""
                let computed = AuditChain.hash(previous: previous, id: id, time: rows.int64(1), type: rows.text(2) ?? "",
                                               profile: rows.text(3), session: rows.text(4), verdict: rows.text(5), fields: rows.text(6) ?? "")
                guard stored == computed else {
                    return .broken(atRow: id, reason: "its hash does not match its content and the row before it: the row was edited, replaced or moved, or its hash forged")
                }
                previous = stored
                expected += 1
            }
            let last = expected - 1
            if head.lastID > last {
                let missing = head.lastID == expected ? "row \(expected) is" : "rows \(expected)–\(head.lastID) are"
                return .broken(atRow: expected, reason: "\(missing) missing from the end: the log was truncated")
            }
            if head.lastID < last {
                return .broken(atRow: head.lastID + 1, reason: "rows after \(head.lastID) were added outside Ringlet (the chain head ends there)")
            }
            guard head.hash == previous, head.rows == last else {
                return .broken(atRow: last, reason: "the chain head (\(head.rows) rows, hash \(head.hash)) does not match the rows")
            }
            return .intact(rows: Int(last))
        } catch {
            throw AuditDatabase.failure(error, path: path)
        }
    }

    /// The hash of the last row (the genesis value for an empty log): keep it elsewhere, and a later
    /// `verify` plus a comparison proves nothing before it was rewritten.
    public static func headHash(path: String) throws(AuditError) -> String {
        let connection = try AuditDatabase.openForReading(path)
        defer { connection.close() }
        do throws(SQLiteError) {
            let statement = try connection.prepare("SELECT hash FROM chain_head WHERE one = 1")
            guard try statement.step(), let hash = statement.text(0) else {
                throw SQLiteError(code: 0, message: "the chain head is missing")
            }
            return hash
        } catch {
            throw AuditDatabase.failure(error, path: path)
        }
    }
}
