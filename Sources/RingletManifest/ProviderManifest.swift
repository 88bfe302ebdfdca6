import RingletYAML

/// A model provider: the API dialects it serves, where (named endpoints, one the default), which
/// environment variables carry its key and base URL to an agent, how to ask for the key, its models,
/// and the network domains a sandbox must reach to use it.
public struct ProviderManifest: Sendable {
    public struct Endpoint: Sendable, Hashable {
        public var name: String
        public var url: String
        public var isDefault: Bool
    }

    /// One API dialect the provider serves, with the variables an agent speaking it reads.
    public struct API: Sendable, Hashable {
        public var family: String
        public var endpoints: [Endpoint]
        public var apiKeyVariable: String?
        public var baseURLVariable: String?

        public var defaultEndpoint: Endpoint? { endpoints.first(where: \.isDefault) ?? endpoints.first }
    }

    public var identity: ManifestIdentity
    public var homepage: String?
    public var apis: [API]
    /// Whether a profile may point this provider at its own base URL.
    public var allowsCustomBaseURL: Bool
    public var keyRequired: Bool
    public var keyPrompt: String?
    public var models: ModelCatalog
    public var network: [String]

    static let keys = ManifestIdentity.keys + ["homepage", "apis", "custom_base_url", "key", "models", "network"]

    init(_ map: YAMLMapping, identity: ManifestIdentity) throws(YAMLError) {
        try map.requireKnownKeys(ProviderManifest.keys)
        self.identity = identity
        homepage = try map.optionalString("homepage")
        allowsCustomBaseURL = try map.optionalBool("custom_base_url") ?? false

        var apis: [API] = []
        let apiNodes = try map.list("apis")
        guard !apiNodes.isEmpty else {
            throw .invalidValue(map.location(of: "apis"), "a provider needs at least one entry under 'apis'")
        }
        for node in apiNodes {
            apis.append(try ProviderManifest.decodeAPI(node, customAllowed: allowsCustomBaseURL))
        }
        self.apis = apis

        if let key = try map.optionalMapping("key") {
            try key.requireKnownKeys(["required", "prompt"])
            keyRequired = try key.optionalBool("required") ?? true
            keyPrompt = try key.optionalString("prompt")
        } else {
            keyRequired = true
            keyPrompt = nil
        }
        models = try ModelCatalog.decode(map)
        network = try NetworkDomain.decode(map)
    }

    private static func decodeAPI(_ node: YAMLNode, customAllowed: Bool) throws(YAMLError) -> API {
        let map = try node.mapping(key: "apis")
        try map.requireKnownKeys(["family", "endpoints", "env"])
        let family = try map.string("family")
        guard APIFamily.known.contains(family) else {
            throw .invalidValue(map.location(of: "family"), APIFamily.unknownMessage(family))
        }
        var endpoints: [Endpoint] = []
        for endpointNode in try map.list("endpoints") {
            let endpoint = try endpointNode.mapping(key: "endpoints")
            try endpoint.requireKnownKeys(["name", "url", "default"])
            let url = try endpoint.string("url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw .invalidValue(endpoint.location(of: "url"), "endpoint url '\(url)' must start with https:// or http://")
            }
            let name = try endpoint.string("name")
            guard !endpoints.contains(where: { $0.name == name }) else {
                throw .invalidValue(endpoint.location(of: "name"), "endpoint '\(name)' is listed twice")
            }
            endpoints.append(Endpoint(name: name, url: url, isDefault: try endpoint.optionalBool("default") ?? false))
        }
        if endpoints.filter(\.isDefault).count > 1 {
            throw .invalidValue(map.location(of: "endpoints"), "only one endpoint may be the default")
        }
        if endpoints.isEmpty && !customAllowed {
            throw .invalidValue(map.location(of: "endpoints"), "API '\(family)' has no endpoints and the provider does not allow a custom base URL")
        }
        var keyVariable: String?
        var baseVariable: String?
        if let env = try map.optionalMapping("env") {
            try env.requireKnownKeys(["api_key", "base_url"])
            keyVariable = try env.optionalString("api_key")
            baseVariable = try env.optionalString("base_url")
            for name in [keyVariable, baseVariable].compactMap({ $0 }) where !EnvironmentName.isValid(name) {
                throw .invalidValue(env.node.location, "'\(name)' is not a valid environment variable name")
            }
        }
        return API(family: family, endpoints: endpoints, apiKeyVariable: keyVariable, baseURLVariable: baseVariable)
    }
}
