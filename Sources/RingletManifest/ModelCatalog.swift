import RingletYAML

/// The models a manifest knows about, the one used when a profile names none, and (providers) their prices.
public struct ModelCatalog: Sendable, Hashable {
    public var defaultModel: String?
    public var known: [String]
    public var prices: PriceList?

    public init(defaultModel: String? = nil, known: [String] = [], prices: PriceList? = nil) {
        self.defaultModel = defaultModel
        self.known = known
        self.prices = prices
    }

    static func decode(_ map: YAMLMapping) throws(YAMLError) -> ModelCatalog {
        guard let models = try map.optionalMapping("models") else { return ModelCatalog() }
        try models.requireKnownKeys(["default", "known", "prices"])
        return ModelCatalog(defaultModel: try models.optionalString("default"), known: try models.strings("known"),
                            prices: try PriceList.decode(models))
    }
}
