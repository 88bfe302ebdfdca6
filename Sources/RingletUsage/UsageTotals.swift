/// Tokens and cost of a set of usage (a session, a profile's day): what the daemon shows per session.
public struct UsageTotals: Sendable, Hashable {
    public var tokens = TokenCounts()
    public var cost = Cost()
    public var calls: Int64 = 0

    public init() {}
}
