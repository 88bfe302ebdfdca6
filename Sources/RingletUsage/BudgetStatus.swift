import RingletManifest

/// Where a profile stands against its budget: spent today and this month (UTC) against the limits.
/// `warning` from 80% of either limit, `exceeded` from 100%. Only spending in the budget's currency
/// counts; unpriced usage cannot be counted and is reported so the caller can say so.
public struct BudgetStatus: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable, Comparable {
        case ok, warning, exceeded

        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.ok, .warning, .exceeded]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public struct Window: Sendable, Hashable {
        public var limit: DecimalAmount
        public var spent: Cost
        public var level: Level
        /// Spent ÷ limit in thousandths (812 is 81.2%).
        public var permille: Int64
    }

    public static let warningPermille: Int64 = 800

    public var budget: Budget
    public var daily: Window?
    public var monthly: Window?

    /// The worse of the two windows.
    public var level: Level { max(daily?.level ?? .ok, monthly?.level ?? .ok) }

    /// Whether a new session must be refused and running ones ended (`on_exceed: stop`, over a limit).
    public var mustStop: Bool { level == .exceeded && budget.onExceed == .stop }

    public init(budget: Budget, spentToday: Cost, spentThisMonth: Cost) {
        self.budget = budget
        daily = budget.daily.map { Self.window($0, spentToday, budget.currency) }
        monthly = budget.monthly.map { Self.window($0, spentThisMonth, budget.currency) }
    }

    static func window(_ limit: DecimalAmount, _ spent: Cost, _ currency: String) -> Window {
        // picos ÷ (micros × 10⁶) is the fraction; × 1000 for thousandths.
        let picos = spent.picos[currency] ?? 0
        let permille = Int64(clamping: picos * 1000 / (Int128(limit.micros) * 1_000_000))
        let level: Level = permille >= 1000 ? .exceeded : permille >= warningPermille ? .warning : .ok
        return Window(limit: limit, spent: spent, level: level, permille: permille)
    }
}
