import RingletYAML

/// The models a manifest knows about and the one used when a profile names none.
public struct ModelCatalog: Sendable, Hashable {
    public var defaultModel: String?
    public var known: [String]

    public init(defaultModel: String? = nil, known: [String] = []) {
        self.defaultModel = defaultModel
        self.known = known
    }

    static func decode(_ map: YAMLMapping) throws(YAMLError) -> ModelCatalog {
        guard let models = try map.optionalMapping("models") else { return ModelCatalog() }
        try models.requireKnownKeys(["default", "known"])
        return ModelCatalog(defaultModel: try models.optionalString("default"), known: try models.strings("known"))
    }
}
