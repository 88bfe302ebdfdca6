import RingletManifest

extension UsageIndex {
    /// The indexed model calls that match, oldest first.
    public func records(_ filter: UsageFilter) throws(UsageError) -> [UsageRecord] {
        let clause = filter.clause
        let select = try database.prepare("""
            SELECT r.ts, r.session, r.agent_session, r.profile, r.model, r.input, r.output, r.cache_write, r.cache_read, f.path, r.offset
            FROM records r JOIN files f ON f.id = r.file \(clause.sql.replacing("ts ", with: "r.ts ").replacing("profile =", with: "r.profile =").replacing("model =", with: "r.model =").replacing("session =", with: "r.session =")) ORDER BY r.ts, r.id
            """)
        bind(select, clause)
        var result: [UsageRecord] = []
        while try select.step() {
            result.append(UsageRecord(timestamp: select.int64(0), session: select.text(1), agentSession: select.text(2),
                                      profile: select.text(3) ?? "", model: select.text(4) ?? "",
                                      tokens: TokenCounts(input: select.int64(5), output: select.int64(6), cacheWrite: select.int64(7), cacheRead: select.int64(8)),
                                      file: select.text(9) ?? "", offset: select.int64(10)))
        }
        return result
    }

    /// Usage that matches `filter`, summed by `grouping`, priced with `prices`; rows in key order
    /// (days oldest first).
    public func report(_ filter: UsageFilter, by grouping: UsageGrouping, prices: PriceTable) throws(UsageError) -> UsageReport {
        // Whole days come from the daily sums; a window like "the last 7 × 24 hours" from the calls.
        let clause = filter.isDayAligned ? filter.dailyClause : filter.clause
        let select = try database.prepare(filter.isDayAligned ? """
            SELECT \(grouping.dailyColumn) AS k, profile, model, SUM(input), SUM(output), SUM(cache_write), SUM(cache_read), SUM(calls)
            FROM daily \(clause.sql) GROUP BY k, profile, model
            """ : """
            SELECT \(grouping.column) AS k, profile, model, SUM(input), SUM(output), SUM(cache_write), SUM(cache_read), COUNT(*)
            FROM records \(clause.sql) GROUP BY k, profile, model
            """)
        bind(select, clause)
        var rows: [String: UsageReport.Row] = [:]
        var total = UsageReport.Row(key: "total")
        while try select.step() {
            let key: String = switch grouping {
            case .day: UsagePeriod.date(day: select.int64(0))
            default: select.text(0).flatMap { $0.isEmpty ? nil : $0 } ?? "-"
            }
            let profile = select.text(1) ?? ""
            let tokens = TokenCounts(input: select.int64(3), output: select.int64(4), cacheWrite: select.int64(5), cacheRead: select.int64(6))
            let cost = prices.cost(tokens, model: select.text(2) ?? "", profile: profile)
            var row = rows[key] ?? UsageReport.Row(key: key)
            row.tokens += tokens
            row.cost += cost
            row.calls += select.int64(7)
            rows[key] = row
            total.tokens += tokens
            total.cost += cost
            total.calls += select.int64(7)
        }
        return UsageReport(grouping: grouping, rows: rows.values.sorted { $0.key < $1.key }, total: total)
    }

    /// A Ringlet session's tokens and cost so far: what `ringlet sessions list` and the daemon's
    /// `GET /api/sessions` show. Scan first (and sync the sessions) for an up-to-date figure.
    public func totals(session: String, prices: PriceTable) throws(UsageError) -> UsageTotals {
        try totals(UsageFilter(session: session), prices: prices)
    }

    /// The tokens and cost of everything `filter` matches.
    public func totals(_ filter: UsageFilter, prices: PriceTable) throws(UsageError) -> UsageTotals {
        let report = try report(filter, by: .profile, prices: prices)
        var totals = UsageTotals()
        totals.tokens = report.total.tokens
        totals.cost = report.total.cost
        totals.calls = report.total.calls
        return totals
    }

    /// Where `profile` stands against `budget` at `now` (epoch milliseconds): spent today and this
    /// UTC month. The daemon checks this before starting a session and while one runs.
    public func budgetStatus(profile: String, budget: Budget, prices: PriceTable, now: Int64) throws(UsageError) -> BudgetStatus {
        let today = try totals(UsageFilter(period: .today, now: now, profile: profile), prices: prices)
        let month = try totals(UsageFilter(period: .month, now: now, profile: profile), prices: prices)
        return BudgetStatus(budget: budget, spentToday: today.cost, spentThisMonth: month.cost)
    }

    private func bind(_ statement: UsageStatement, _ clause: (sql: String, integers: [(Int32, Int64)], texts: [(Int32, String)])) {
        for (index, value) in clause.integers { statement.bind(index, value) }
        for (index, value) in clause.texts { statement.bind(index, value) }
    }
}
