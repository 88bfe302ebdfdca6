import RingletYAML

/// Any manifest a registry can hold, decoded from YAML and validated against its kind's schema.
///
/// Decoding stops at the first problem and reports it as `file:line:column: message`, so one broken
/// file never hides where it is broken.
public enum Manifest: Sendable {
    case agent(AgentManifest)
    case provider(ProviderManifest)
    case hooks(HookPackManifest)
    case egg(EggManifest)

    public var identity: ManifestIdentity {
        switch self {
        case .agent(let m): m.identity
        case .provider(let m): m.identity
        case .hooks(let m): m.identity
        case .egg(let m): m.identity
        }
    }

    public static func decode(_ bytes: [UInt8], file: String) throws(YAMLError) -> Manifest {
        guard let root = try YAMLParser.parse(bytes, file: file) else {
            throw .invalidValue(YAMLLocation(file: file, line: 1, column: 1), "empty manifest (expected a mapping with 'kind', 'schema', 'id' and 'version')")
        }
        let map = try YAMLMapping(root)
        let identity = try ManifestIdentity(map)
        switch identity.kind {
        case .agent: return .agent(try AgentManifest(map, identity: identity))
        case .provider: return .provider(try ProviderManifest(map, identity: identity))
        case .hooks: return .hooks(try HookPackManifest(map, identity: identity))
        case .egg: return .egg(try EggManifest(map, identity: identity))
        }
    }
}
