/// Which usage a report or listing covers: a time window `[since, until)` in epoch milliseconds, and
/// optionally one profile, model or Ringlet session.
public struct UsageFilter: Sendable, Hashable {
    public var since: Int64?
    public var until: Int64?
    public var profile: String?
    public var model: String?
    public var session: String?

    public init(since: Int64? = nil, until: Int64? = nil, profile: String? = nil, model: String? = nil, session: String? = nil) {
        self.since = since
        self.until = until
        self.profile = profile
        self.model = model
        self.session = session
    }

    public init(period: UsagePeriod, now: Int64, profile: String? = nil, model: String? = nil, session: String? = nil) {
        let range = period.range(now: now)
        self.init(since: range.since, until: range.until, profile: profile, model: model, session: session)
    }

    /// Whether the window is whole UTC days (or open), so the `daily` sums answer it exactly.
    var isDayAligned: Bool {
        [since, until].allSatisfy { $0.map { $0.modulo(86_400_000) == 0 } ?? true }
    }

    /// The WHERE clause over the `daily` table, for a day-aligned window.
    var dailyClause: (sql: String, integers: [(Int32, Int64)], texts: [(Int32, String)]) {
        var copy = self
        copy.since = since.map { $0 / 86_400_000 }
        copy.until = until.map { $0 / 86_400_000 }
        let clause = copy.clause
        return (clause.sql.replacing("ts ", with: "day "), clause.integers, clause.texts)
    }

    /// The WHERE clause and its values in order (all bound, never spliced into the SQL).
    var clause: (sql: String, integers: [(Int32, Int64)], texts: [(Int32, String)]) {
        var conditions: [String] = []
        var integers: [(Int32, Int64)] = []
        var texts: [(Int32, String)] = []
        var index: Int32 = 1
        if let since { conditions.append("ts >= ?\(index)"); integers.append((index, since)); index += 1 }
        if let until { conditions.append("ts < ?\(index)"); integers.append((index, until)); index += 1 }
        if let profile { conditions.append("profile = ?\(index)"); texts.append((index, profile)); index += 1 }
        if let model { conditions.append("model = ?\(index)"); texts.append((index, model)); index += 1 }
        if let session { conditions.append("session = ?\(index)"); texts.append((index, session)); index += 1 }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), integers, texts)
    }
}
