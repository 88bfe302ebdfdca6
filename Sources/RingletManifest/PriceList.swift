import RingletYAML

/// A provider's list prices (`models.prices:`), per model and million tokens, in one currency, as of a date:
///
/// ```yaml
/// models:
///   prices:
///     currency: USD
///     effective: 2025-11-24
///     per_million_tokens:
///       claude-sonnet-4-5: {input: 3.00, output: 15.00, cache_write: 3.75, cache_read: 0.30}
/// ```
///
/// `cache_write` and `cache_read` default to `input` when a provider bills no cache separately.
public struct PriceList: Sendable, Hashable {
    /// An ISO 4217 code: three capital letters.
    public var currency: String
    /// The day these prices took effect, `YYYY-MM-DD`.
    public var effective: String
    public var models: [String: ModelPrice]

    public init(currency: String, effective: String, models: [String: ModelPrice]) {
        self.currency = currency
        self.effective = effective
        self.models = models
    }

    static func decode(_ map: YAMLMapping) throws(YAMLError) -> PriceList? {
        guard let prices = try map.optionalMapping("prices") else { return nil }
        try prices.requireKnownKeys(["currency", "effective", "per_million_tokens"])
        let currency = try prices.string("currency")
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidValue(prices.location(of: "currency"), "'currency' must be a three-letter code like USD, found '\(currency)'")
        }
        let effective = try prices.string("effective")
        guard effective.count == 10, effective.split(separator: "-").count == 3,
              effective.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
            throw .invalidValue(prices.location(of: "effective"), "'effective' must be a date like 2025-11-24, found '\(effective)'")
        }
        var models: [String: ModelPrice] = [:]
        guard let table = try prices.optionalMapping("per_million_tokens") else {
            throw .missingKey(prices.location(of: "per_million_tokens"), key: "per_million_tokens")
        }
        for pair in table.pairs {
            let model = pair.key.keyText ?? ""
            let entry = try pair.value.mapping(key: model)
            try entry.requireKnownKeys(["input", "output", "cache_write", "cache_read"])
            let price = "a price per million tokens"
            guard let input = try DecimalAmount.decode(entry, "input", what: price) else {
                throw .missingKey(entry.location(of: "input"), key: "input")
            }
            guard let output = try DecimalAmount.decode(entry, "output", what: price) else {
                throw .missingKey(entry.location(of: "output"), key: "output")
            }
            models[model] = ModelPrice(input: input, output: output,
                                       cacheWrite: try DecimalAmount.decode(entry, "cache_write", what: price) ?? input,
                                       cacheRead: try DecimalAmount.decode(entry, "cache_read", what: price) ?? input)
        }
        return PriceList(currency: currency, effective: effective, models: models)
    }
}
