import RingletSemver
import RingletYAML

/// What every manifest starts with: kind, schema, id, version, name and description.
///
/// Ids become folder names inside registries and caches, so they are held to a strict alphabet that
/// cannot express a path (`../x`, `/etc`) or collide on case-insensitive file systems.
public struct ManifestIdentity: Sendable {
    public static let currentSchema = 1
    public static let keys = ["kind", "schema", "id", "version", "name", "description"]

    public var kind: ManifestKind
    public var id: String
    public var version: Version
    public var name: String
    public var description: String
    /// Where `id` and `version` are written, for errors about a manifest filed under the wrong path.
    public var idLocation: YAMLLocation
    public var versionLocation: YAMLLocation

    init(_ map: YAMLMapping) throws(YAMLError) {
        let kindText = try map.string("kind")
        guard let kind = ManifestKind(rawValue: kindText) else {
            let known = ManifestKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidValue(map.location(of: "kind"), "unknown kind '\(kindText)' (expected one of: \(known))")
        }
        let schema = try map.int("schema")
        guard schema == ManifestIdentity.currentSchema else {
            throw .invalidValue(map.location(of: "schema"),
                                "schema \(schema) is not supported (this ringlet reads schema \(ManifestIdentity.currentSchema)); upgrade ringlet or use an older manifest")
        }
        let id = try map.string("id")
        if let problem = ManifestIdentity.problem(withID: id) {
            throw .invalidValue(map.location(of: "id"), problem)
        }
        let versionText = try map.string("version")
        do throws(SemverError) {
            version = try Version(parsing: versionText)
        } catch {
            throw .invalidValue(map.location(of: "version"), error.description)
        }
        // Build metadata does not order versions, so `1.0.0` and `1.0.0+b` could not be told apart.
        guard version.build.isEmpty else {
            throw .invalidValue(map.location(of: "version"), "version '\(versionText)' carries build metadata (+…), which manifests may not; publish a new version instead")
        }
        self.kind = kind
        self.id = id
        idLocation = map.location(of: "id")
        versionLocation = map.location(of: "version")
        name = try map.optionalString("name") ?? id
        description = try map.optionalString("description") ?? ""
    }

    /// Why `id` is not a valid manifest or registry id, or nil when it is.
    public static func problem(withID id: String, noun: String = "id") -> String? {
        guard !id.isEmpty, id.utf8.count <= 64 else { return "\(noun) '\(id)' must be 1 to 64 characters" }
        guard let first = id.unicodeScalars.first, ("a" ... "z").contains(first) || ("0" ... "9").contains(first) else {
            return "\(noun) '\(id)' must start with a lower-case letter or digit"
        }
        let allowed = id.unicodeScalars.allSatisfy { ("a" ... "z").contains($0) || ("0" ... "9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
        guard allowed, !id.contains("..") else {
            return "\(noun) '\(id)' may hold only lower-case letters, digits, '-', '_' and single '.'"
        }
        return nil
    }
}
