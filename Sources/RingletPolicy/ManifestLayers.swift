import RingletManifest

/// Layers 2 and 3: what the agent and provider manifests need in the sandbox.
public enum ManifestLayers {
    /// The agent's network domains, its config dirs and writable files in the profile's HOME, its install
    /// roots (read-only), and its environment.
    public static func agent(_ manifest: AgentManifest, file: String, context: PolicyContext) -> PolicyLayer {
        let identity = manifest.identity
        var layer = PolicyLayer(kind: .agent, label: "agent \(identity.id) \(identity.version) (\(file))")
        let origin = RuleOrigin(layer: .agent, label: layer.label)
        for directory in manifest.configDirectories + manifest.writableFiles {
            layer.fileRules.append(.init(.rw, context.path(directory, relativeTo: context.profileHome), written: "~profile/" + directory, origin: origin))
        }
        for root in manifest.installRoots {
            layer.fileRules.append(.init(.ro, context.path(root), written: root, origin: origin))
        }
        layer.network = manifest.network.compactMap { entry in DomainPattern(parsing: entry).map { .init(pattern: $0, origin: origin) } }
        layer.environment = manifest.environment.pass.map { .init(name: $0, value: nil, origin: origin) }
            + manifest.environment.set.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value, origin: origin) }
        return layer
    }

    /// The provider's network domains and the hosts of the endpoints the agent will call, and the names
    /// of the variables that carry key and base URL (exact names, so they pass the secret filter).
    public static func provider(_ manifest: ProviderManifest, file: String, speaking families: [String]?) -> PolicyLayer {
        let identity = manifest.identity
        var layer = PolicyLayer(kind: .provider, label: "provider \(identity.id) \(identity.version) (\(file))")
        let origin = RuleOrigin(layer: .provider, label: layer.label)
        let apis = manifest.apis.filter { families?.contains($0.family) ?? true }
        var entries = manifest.network
        for api in apis {
            entries += api.endpoints.compactMap { endpointHost($0.url) }
        }
        var seen = Set<String>()
        for entry in entries where seen.insert(entry).inserted {
            if let pattern = DomainPattern(parsing: entry) { layer.network.append(.init(pattern: pattern, origin: origin)) }
        }
        var names = Set<String>()
        for api in apis {
            for name in [api.apiKeyVariable, api.baseURLVariable].compactMap({ $0 }) where names.insert(name).inserted {
                layer.environment.append(.init(name: name, value: nil, origin: origin))
            }
        }
        return layer
    }

    /// `host` or `host:port` of an endpoint URL (the port only when it is not the scheme's default).
    /// A profile's endpoint (a named endpoint's URL or a custom base URL): its host joins the network
    /// entries and the URL reaches the agent in the provider's base-URL variable.
    public static func endpoint(_ url: String, variable: String?, profile: String) -> PolicyLayer {
        var layer = PolicyLayer(kind: .profile, label: "profile \(profile) endpoint")
        let origin = RuleOrigin(layer: .profile, label: layer.label)
        if let pattern = endpointHost(url).flatMap(DomainPattern.init(parsing:)) { layer.network = [.init(pattern: pattern, origin: origin)] }
        if let variable { layer.environment = [.init(name: variable, value: url, origin: origin)] }
        return layer
    }

    static func endpointHost(_ url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else { return nil }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let port = authority[authority.index(after: colon)...]
            let isDefault = (scheme == "https" && port == "443") || (scheme == "http" && port == "80")
            return isDefault ? String(authority[..<colon]) : String(authority)
        }
        return String(authority)
    }
}
