import RingletManifest
import RingletSemver
import RingletSystem

/// What a user or profile writes to name a manifest: `claude`, `claude@^2.1`, `claude@2.1.3` or
/// `acme/claude@~1.4` (only registry `acme` is searched).
public struct ManifestReference: Sendable, Hashable, CustomStringConvertible {
    public var registry: String?
    public var id: String
    public var range: VersionRange
    public let description: String

    public init(parsing text: String) throws(RegistryError) {
        let trimmed = text.trimmingWhitespace
        var rest = Substring(trimmed)
        if let slash = rest.firstIndex(of: "/") {
            let name = String(rest[..<slash])
            if let problem = ManifestIdentity.problem(withID: name, noun: "registry name") {
                throw .invalidReference(text, problem)
            }
            registry = name
            rest = rest[rest.index(after: slash)...]
        }
        let rangeText: String
        if let at = rest.firstIndex(of: "@") {
            id = String(rest[..<at])
            rangeText = String(rest[rest.index(after: at)...])
            guard !rangeText.isEmpty else { throw .invalidReference(text, "nothing follows '@'; write a version or range such as @^2.1") }
        } else {
            id = String(rest)
            rangeText = "*"
        }
        if let problem = ManifestIdentity.problem(withID: id) {
            throw .invalidReference(text, problem)
        }
        do throws(SemverError) {
            range = try VersionRange(parsing: rangeText)
        } catch {
            throw .invalidReference(text, error.description)
        }
        description = trimmed
    }
}
