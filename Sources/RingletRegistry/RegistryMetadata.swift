import RingletManifest
import RingletYAML

/// `registry.yaml`: the registry's own name and description, and the format it is written in.
public struct RegistryMetadata: Sendable {
    public static let currentFormat = 1
    public var name: String
    public var description: String

    static func load(from tree: RegistryTree) throws(RegistryError) -> RegistryMetadata {
        let bytes = try tree.read("registry.yaml")
        do throws(YAMLError) {
            let file = tree.display("registry.yaml")
            guard let root = try YAMLParser.parse(bytes, file: file) else {
                throw .invalidValue(YAMLLocation(file: file, line: 1, column: 1), "registry.yaml is empty (expected name, description, format)")
            }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["name", "description", "format"])
            let format = try map.int("format")
            guard format == currentFormat else {
                throw .invalidValue(map.location(of: "format"), "registry format \(format) is not supported (this ringlet reads format \(currentFormat))")
            }
            let name = try map.string("name")
            if let problem = ManifestIdentity.problem(withID: name, noun: "registry name") {
                throw .invalidValue(map.location(of: "name"), problem)
            }
            return RegistryMetadata(name: name, description: try map.optionalString("description") ?? "")
        } catch {
            throw .invalidFile(error)
        }
    }
}
