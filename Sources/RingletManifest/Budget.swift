import RingletYAML

/// A spending limit (`budget:` in a profile or an egg.yaml):
///
/// ```yaml
/// budget: {daily: 20, monthly: 300, currency: USD, on_exceed: warn}
/// ```
///
/// Days and months are UTC calendar days and months. At 80% of a limit the session's clients are told;
/// at 100% new sessions are refused and running ones ended, unless `on_exceed: warn` (then only told).
public struct Budget: Sendable, Hashable {
    public enum OnExceed: String, Sendable, Hashable, CaseIterable {
        /// Refuse new sessions and end running ones (the default).
        case stop
        /// Only tell: for a profile where an interrupted session costs more than the overrun.
        case warn
    }

    public var daily: DecimalAmount?
    public var monthly: DecimalAmount?
    public var currency: String
    public var onExceed: OnExceed
    public var location: YAMLLocation?

    public init(daily: DecimalAmount? = nil, monthly: DecimalAmount? = nil, currency: String = "USD", onExceed: OnExceed = .stop,
                location: YAMLLocation? = nil) {
        self.daily = daily
        self.monthly = monthly
        self.currency = currency
        self.onExceed = onExceed
        self.location = location
    }

    public static func decode(_ map: YAMLMapping) throws(YAMLError) -> Budget? {
        guard let budget = try map.optionalMapping("budget") else { return nil }
        try budget.requireKnownKeys(["daily", "monthly", "currency", "on_exceed"])
        let limit = "a spending limit"
        let daily = try DecimalAmount.decode(budget, "daily", what: limit)
        let monthly = try DecimalAmount.decode(budget, "monthly", what: limit)
        guard daily != nil || monthly != nil else {
            throw .invalidValue(budget.node.location, "a budget needs 'daily', 'monthly' or both")
        }
        for (key, value) in [("daily", daily), ("monthly", monthly)] where value?.micros == 0 {
            throw .invalidValue(budget.location(of: key), "'\(key)' must be above zero (leave it out for no limit)")
        }
        let currency = try budget.optionalString("currency") ?? "USD"
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidValue(budget.location(of: "currency"), "'currency' must be a three-letter code like USD, found '\(currency)'")
        }
        var onExceed = OnExceed.stop
        if let text = try budget.optionalString("on_exceed") {
            guard let value = OnExceed(rawValue: text) else {
                throw .invalidValue(budget.location(of: "on_exceed"), "'on_exceed' must be stop or warn, found '\(text)'")
            }
            onExceed = value
        }
        return Budget(daily: daily, monthly: monthly, currency: currency, onExceed: onExceed, location: budget.node.location)
    }
}
