/// Usage summed by day, profile, model or session, each row with its cost, and the total.
public struct UsageReport: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        /// The day (`2026-05-01`), profile, model or session id; `-` for usage outside any Ringlet session.
        public var key: String
        public var tokens = TokenCounts()
        public var cost = Cost()
        /// Model calls.
        public var calls: Int64 = 0

        public init(key: String) {
            self.key = key
        }
    }

    public var grouping: UsageGrouping
    public var rows: [Row]
    public var total: Row
}
