import RingletCrypto
import RingletManifest
import RingletYAML

/// Every manifest of a registry, loaded and checked, with a list of what is wrong instead of a first
/// error: one broken file is reported with its location and the rest of the registry still loads.
public struct RegistryScan: Sendable {
    public var metadata: RegistryMetadata?
    public var manifests: [LoadedManifest] = []
    public var problems: [String] = []

    public init(_ tree: RegistryTree) {
        do throws(RegistryError) {
            metadata = try RegistryMetadata.load(from: tree)
        } catch {
            problems.append(error.description)
        }
        for kind in ManifestKind.allCases {
            for id in tree.entries(kind.folder) {
                if let problem = ManifestIdentity.problem(withID: id) {
                    problems.append("\(tree.display(kind.folder + "/" + id)): \(problem)")
                    continue
                }
                for name in tree.entries(kind.folder + "/" + id) {
                    let path = kind.folder + "/" + id + "/" + name
                    do throws(RegistryError) {
                        manifests.append(try LoadedManifest.load(path, from: tree))
                    } catch {
                        problems.append(Self.message(for: error, at: tree.display(path), name: name))
                    }
                }
            }
        }
        for folder in tree.entries("") where !["registry.yaml", "index.yaml"].contains(folder) && ManifestKind(folder: folder) == nil {
            problems.append("\(tree.display(folder)): not part of a registry (expected registry.yaml, index.yaml, \(ManifestKind.allCases.map { $0.folder + "/" }.joined(separator: ", ")))")
        }
    }

    /// A digest of the revision's content: every file's path and sha256, in order.
    public func contentDigest(_ tree: RegistryTree) -> SHA256Digest {
        var lines = ""
        if let bytes = try? tree.read("registry.yaml") { lines += "registry.yaml \(SHA256.hash(bytes).hex)\n" }
        for manifest in manifests.sorted(by: { $0.path < $1.path }) {
            lines += "\(manifest.path) \(manifest.sha256.hex)\n"
        }
        return SHA256.hash(lines)
    }

    private static func message(for error: RegistryError, at place: String, name: String) -> String {
        if !name.hasSuffix(".yaml") { return "\(place): not a manifest (expected <version>.yaml)" }
        return error.description
    }
}
