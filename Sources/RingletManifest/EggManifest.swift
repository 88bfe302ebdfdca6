import RingletYAML

/// A reusable sandbox base published in a registry (an "offline" egg, a "read-only reviewer" egg …):
/// an identity plus the same policy layer an `egg.yaml` holds.
public struct EggManifest: Sendable {
    public var identity: ManifestIdentity
    public var policy: EggPolicy

    static let keys = ManifestIdentity.keys + ["policy"]

    init(_ map: YAMLMapping, identity: ManifestIdentity) throws(YAMLError) {
        try map.requireKnownKeys(EggManifest.keys)
        self.identity = identity
        policy = try EggPolicy(try YAMLMapping(try map.requiredNode("policy"), key: "policy"))
    }
}
