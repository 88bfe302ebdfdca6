import RingletCrypto
import RingletManifest
import RingletSemver
import RingletYAML

/// A manifest read from a registry file, with the bytes' digest that lockfiles pin.
public struct LoadedManifest: Sendable {
    public var path: String
    public var sha256: SHA256Digest
    public var manifest: Manifest

    public var kind: ManifestKind { manifest.identity.kind }
    public var id: String { manifest.identity.id }
    public var version: Version { manifest.identity.version }

    /// Decodes `path` of `tree` and checks that the manifest is filed where its kind, id and version say.
    static func load(_ path: String, from tree: RegistryTree) throws(RegistryError) -> LoadedManifest {
        let bytes = try tree.read(path)
        let manifest: Manifest
        do throws(YAMLError) {
            manifest = try Manifest.decode(bytes, file: tree.display(path))
        } catch {
            throw .brokenManifest(error)
        }
        let identity = manifest.identity
        let expected = "\(identity.kind.folder)/\(identity.id)/\(identity.version).yaml"
        guard expected == path else {
            let parts = path.split(separator: "/")
            if parts.count == 3, parts[0] != Substring(identity.kind.folder) {
                throw .brokenManifest(.invalidValue(identity.idLocation, "a manifest of kind '\(identity.kind.rawValue)' must live under \(identity.kind.folder)/, not \(parts[0])/"))
            }
            if parts.count == 3, parts[1] != Substring(identity.id) {
                throw .brokenManifest(.invalidValue(identity.idLocation, "id '\(identity.id)' does not match its folder '\(parts[1])' (expected \(expected))"))
            }
            throw .brokenManifest(.invalidValue(identity.versionLocation, "version '\(identity.version)' does not match its file name (expected \(expected))"))
        }
        return LoadedManifest(path: path, sha256: SHA256.hash(bytes), manifest: manifest)
    }
}
