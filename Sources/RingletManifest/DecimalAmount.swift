import RingletYAML

/// A non-negative decimal amount as written in a manifest (`3.00`, `0.30`, `20`), kept exactly as an
/// integer count of millionths: prices and budgets are money, and binary floating point would turn
/// `0.30` into 0.29999… and make totals drift.
public struct DecimalAmount: Sendable, Hashable, CustomStringConvertible {
    /// The amount in millionths of its unit (`3.75` is 3,750,000).
    public var micros: Int64

    public init(micros: Int64) {
        self.micros = micros
    }

    /// `12`, `12.5`, `0.000001`; at most six decimals, no sign, no exponent, below a trillion.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              let units = Int64(whole) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
            fraction = value
            for _ in digits.count ..< 6 { fraction *= 10 }
        }
        micros = units * 1_000_000 + fraction
    }

    /// At least two decimals, more only when the amount has them: `3.00`, `0.30`, `0.075`.
    public var description: String {
        var fraction = String(micros % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(micros / 1_000_000).\(fraction)"
    }

    /// A plain (unquoted) number in the document: quoting a price is a slip worth pointing at, not a string to accept.
    static func decode(_ map: YAMLMapping, _ key: String, what: String) throws(YAMLError) -> DecimalAmount? {
        guard let node = map.optionalNode(key) else { return nil }
        guard case .scalar(let scalar) = node.value, scalar.style == .plain, let amount = DecimalAmount(parsing: scalar.text) else {
            throw .invalidValue(node.location, "'\(key)' must be \(what): a plain number like 3 or 0.30 (at most six decimals), found \(node.shapeDescription)")
        }
        return amount
    }
}
