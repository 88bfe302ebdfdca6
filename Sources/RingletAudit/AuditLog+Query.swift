extension AuditLog {
    /// The records that match `filter`, oldest first (by time, then id).
    public static func query(path: String, filter: AuditFilter) throws(AuditError) -> [AuditRecord] {
        var records: [AuditRecord] = []
        try scan(path: path, filter: filter) { records.append($0) }
        return records
    }

    /// Hands each matching record to `body`, oldest first (by time, then id), without holding them
    /// all in memory (unless `filter.limit` is set: the most recent N are read newest first, then
    /// handed over in order).
    public static func scan(path: String, filter: AuditFilter, _ body: (AuditRecord) -> Void) throws(AuditError) {
        let connection = try AuditDatabase.openForReading(path)
        defer { connection.close() }
        let (condition, values) = whereClause(filter)
        var sql = "SELECT id, time, type, profile, session, verdict, fields, hash FROM events" + condition
        // Time order (id breaks ties) lets each (column, time) index deliver rows already sorted, and a
        // limit read only the newest entries; it equals id order except across processes' clocks.
        sql += filter.limit == nil ? " ORDER BY time, id" : " ORDER BY time DESC, id DESC LIMIT \(max(0, filter.limit!))"
        var newestFirst: [AuditRecord] = []
        do throws(SQLiteError) {
            let statement = try connection.prepare(sql)
            for (index, value) in values.enumerated() { bind(statement, Int32(index + 1), value) }
            while try statement.step() {
                let id = statement.int64(0)
                let text = statement.text(6) ?? ""
                guard let fields = CanonicalJSON.parseObject(text) else {
                    throw SQLiteError(code: 0, message: "row \(id)'s fields are not a JSON object of strings")
                }
                let event = AuditEvent(type: statement.text(2) ?? "", profile: statement.text(3), session: statement.text(4),
                                       verdict: statement.text(5), fields: fields)
                let record = AuditRecord(id: id, time: statement.int64(1), event: event, hash: statement.text(7) ?? "")
                if filter.limit == nil { body(record) } else { newestFirst.append(record) }
            }
        } catch {
            throw AuditDatabase.failure(error, path: path)
        }
        newestFirst.reversed().forEach(body)
    }

    /// How many records match `filter` (its `limit` aside), counted in SQLite from the indexes.
    public static func count(path: String, filter: AuditFilter) throws(AuditError) -> Int {
        let connection = try AuditDatabase.openForReading(path)
        defer { connection.close() }
        let (condition, values) = whereClause(filter)
        do throws(SQLiteError) {
            let statement = try connection.prepare("SELECT count(*) FROM events" + condition)
            for (index, value) in values.enumerated() { bind(statement, Int32(index + 1), value) }
            _ = try statement.step()
            return Int(statement.int64(0))
        } catch {
            throw AuditDatabase.failure(error, path: path)
        }
    }

    private enum Value {
        case integer(Int64)
        case text(String)
    }

    private static func whereClause(_ filter: AuditFilter) -> (String, [Value]) {
        var conditions: [String] = []
        var values: [Value] = []
        for (column, value) in [("profile", filter.profile), ("session", filter.session), ("type", filter.type), ("verdict", filter.verdict)] {
            if let value {
                conditions.append("\(column) = ?")
                values.append(.text(value))
            }
        }
        if let since = filter.since {
            conditions.append("time >= ?")
            values.append(.integer(since))
        }
        if let until = filter.until {
            conditions.append("time < ?")
            values.append(.integer(until))
        }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), values)
    }

    private static func bind(_ statement: SQLiteStatement, _ index: Int32, _ value: Value) {
        switch value {
        case .integer(let number): statement.bind(index, number)
        case .text(let text): statement.bind(index, text)
        }
    }
}
