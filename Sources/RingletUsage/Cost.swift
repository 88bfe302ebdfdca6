/// Money owed for usage, exact: per currency, in picos (10⁻¹² of the unit). A token priced at P per
/// million costs P × 10⁶ micros ÷ 10⁶ tokens, so tokens × price-in-micros is exactly picos, with no
/// rounding anywhere until it is printed. Usage of a model without a price is not zero: its tokens
/// are kept apart, and the model named, as unpriced.
public struct Cost: Sendable, Hashable {
    public var picos: [String: Int128] = [:]
    public var unpricedModels: Set<String> = []
    public var unpricedTokens: Int64 = 0

    public init() {}

    public static func += (lhs: inout Cost, rhs: Cost) {
        for (currency, amount) in rhs.picos { lhs.picos[currency, default: 0] += amount }
        lhs.unpricedModels.formUnion(rhs.unpricedModels)
        lhs.unpricedTokens += rhs.unpricedTokens
    }

    /// The amount in `currency` as a decimal with `decimals` places (1...12), rounded half up:
    /// `formatted("USD", decimals: 2)` is "12.35".
    public func formatted(_ currency: String, decimals: Int = 6) -> String {
        Cost.decimal(picos[currency] ?? 0, decimals: decimals)
    }

    static func decimal(_ picos: Int128, decimals: Int) -> String {
        let places = max(1, min(12, decimals))
        var scale: Int128 = 1
        for _ in 0 ..< 12 - places { scale *= 10 }
        let negative = picos < 0
        let magnitude = negative ? -picos : picos
        let rounded = (magnitude + scale / 2) / scale
        var unit: Int128 = 1
        for _ in 0 ..< places { unit *= 10 }
        var fraction = String(rounded % unit)
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        return (negative ? "-" : "") + String(rounded / unit) + "." + fraction
    }

    /// "USD 12.35", "USD 0.0006 + unpriced", "unpriced" for terminal tables: six places, trailing zeros
    /// dropped down to cents, so a cheap session does not read as free.
    public func summary() -> String {
        var parts = picos.keys.sorted().map { currency in
            var text = formatted(currency, decimals: 6)
            while text.hasSuffix("0"), let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3 { text.removeLast() }
            return "\(currency) \(text)"
        }
        if !unpricedModels.isEmpty { parts.append("unpriced") }
        return parts.isEmpty ? "-" : parts.joined(separator: " + ")
    }
}
