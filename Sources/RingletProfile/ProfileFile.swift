import RingletManifest
import RingletSystem
import RingletYAML

/// A profile as stored in `~/.config/ringlet/profiles/<name>.yaml`: which agent and provider, which
/// model and endpoint, which workspace, and the profile's own sandbox overrides.
///
/// ```yaml
/// agent: claude@^2
/// provider: anthropic
/// model: sonnet
/// workspace: ~/src/shop
/// egg: ~/eggs/strict.yaml        # an extra egg.yaml for this profile
/// sandbox:                       # overrides, an egg.yaml body; relative paths are relative to the workspace
///   network: [pypi.org]
/// budget: {daily: 20, monthly: 300, currency: USD}
/// ```
public struct ProfileFile: Sendable {
    public static let keys = ["agent", "provider", "model", "endpoint", "workspace", "egg", "sandbox", "budget"]

    public var name: String
    public var path: String
    public var agent: String
    public var provider: String?
    public var model: String?
    public var endpoint: String?
    public var workspace: String?
    public var egg: String?
    public var sandbox: EggPolicy?
    /// `budget:` — the profile's spending limit (`{daily: 20, monthly: 300, currency: USD, on_exceed: warn}`).
    public var budget: Budget?

    /// The profile file of `name` in the profiles folder.
    public static func path(of name: String, configDirectory: String) -> String {
        configDirectory + "/profiles/" + name + ".yaml"
    }

    public static func load(name: String, configDirectory: String) throws(ProfileError) -> ProfileFile {
        if let problem = ManifestIdentity.problem(withID: name, noun: "profile name") { throw .invalidName(problem) }
        let path = path(of: name, configDirectory: configDirectory)
        guard FileStatus.of(path).exists else { throw .notFound(name, path: path) }
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else {
                throw .invalidValue(YAMLLocation(file: path, line: 1, column: 1), "the profile is empty; it needs at least 'agent'")
            }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(keys)
            return ProfileFile(name: name, path: path, agent: try map.string("agent"), provider: try map.optionalString("provider"),
                               model: try map.optionalString("model"), endpoint: try map.optionalString("endpoint"),
                               workspace: try map.optionalString("workspace"), egg: try map.optionalString("egg"),
                               sandbox: try map.optionalMapping("sandbox").map { (body) throws(YAMLError) in try EggPolicy(body) },
                               budget: try Budget.decode(map))
        } catch {
            throw .invalidFile(error)
        }
    }

    /// `text` with the top-level `field: value` line set (replaced, or added at the end), the rest —
    /// comments, `sandbox:` — as the user wrote it.
    public static func setting(_ field: String, to value: String, in text: String) -> String {
        let line = "\(field): \(YAMLWriter.quote(value))"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix(field + ":") }) {
            lines[index] = line
        } else {
            if lines.last == "" { lines.removeLast() }
            lines += [line, ""]
        }
        return lines.joined(separator: "\n")
    }
}
