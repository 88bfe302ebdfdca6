import RingletManifest

/// The prices `ringlet usage` applies: the price lists of the providers the registries (or the
/// lockfile) resolve, and which provider each profile uses.
///
/// A model is priced by the profile's own provider when it lists the model, else by the first provider
/// (in id order) that does — a profile on a `custom` endpoint serving Claude models is priced at
/// Anthropic's list. Names match exactly, or after dropping a date suffix (`claude-sonnet-4-5-20250929`)
/// or a context-window suffix (`claude-sonnet-5-5[1m]`). A model nothing lists is unpriced.
public struct PriceTable: Sendable {
    public struct Entry: Sendable, Hashable {
        public var provider: String
        public var currency: String
        public var effective: String
        public var price: ModelPrice
    }

    private var lists: [(provider: String, list: PriceList)]
    private var profileProviders: [String: String]

    /// `lists` by provider id; `profileProviders` maps a profile to its provider id.
    public init(lists: [String: PriceList], profileProviders: [String: String] = [:]) {
        self.lists = lists.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.profileProviders = profileProviders
    }

    public func price(model: String, profile: String?) -> Entry? {
        let names = Self.candidates(model)
        let own = profile.flatMap { profileProviders[$0] }
        let ordered = lists.filter { $0.provider == own } + lists.filter { $0.provider != own }
        for name in names {
            for (provider, list) in ordered {
                if let price = list.models[name] {
                    return Entry(provider: provider, currency: list.currency, effective: list.effective, price: price)
                }
            }
        }
        return nil
    }

    /// The cost of `tokens` of `model`, or the tokens counted as unpriced.
    public func cost(_ tokens: TokenCounts, model: String, profile: String?) -> Cost {
        var cost = Cost()
        guard let entry = price(model: model, profile: profile) else {
            if tokens.total > 0 {
                cost.unpricedModels.insert(model)
                cost.unpricedTokens = tokens.total
            }
            return cost
        }
        let price = entry.price
        cost.picos[entry.currency] = Int128(tokens.input) * Int128(price.input.micros) + Int128(tokens.output) * Int128(price.output.micros)
            + Int128(tokens.cacheWrite) * Int128(price.cacheWrite.micros) + Int128(tokens.cacheRead) * Int128(price.cacheRead.micros)
        return cost
    }

    private static func candidates(_ model: String) -> [String] {
        var names = [model]
        var base = model
        if base.hasSuffix("]"), let open = base.lastIndex(of: "[") { base = String(base[..<open]) }
        let parts = base.split(separator: "-")
        if let last = parts.last, last.count == 8, last.allSatisfy({ $0.isASCII && $0.isNumber }) {
            base = parts.dropLast().joined(separator: "-")
        }
        if base != model { names.append(base) }
        return names
    }
}
