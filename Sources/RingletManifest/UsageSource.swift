import RingletYAML

/// Where an agent keeps its own record of tokens used (`usage:` in an agent manifest), and which of
/// Ringlet's readers understands that format:
///
/// ```yaml
/// usage:
///   reader: claude-transcripts
///   paths: [".claude/projects/**/*.jsonl"]
/// ```
///
/// Paths are globs relative to the profile's HOME (`*` within a name, `**` any number of folders).
/// The reader is named, not coded per agent, so a new agent writing a known format needs only a manifest.
public struct UsageSource: Sendable, Hashable {
    /// The readers built into Ringlet; a manifest naming another is refused with this list.
    public static let readers = ["claude-transcripts", "codex-sessions"]

    public var reader: String
    public var paths: [String]

    public init(reader: String, paths: [String]) {
        self.reader = reader
        self.paths = paths
    }

    static func decode(_ map: YAMLMapping) throws(YAMLError) -> UsageSource? {
        guard let usage = try map.optionalMapping("usage") else { return nil }
        try usage.requireKnownKeys(["reader", "paths"])
        let reader = try usage.string("reader")
        guard readers.contains(reader) else {
            throw .invalidValue(usage.location(of: "reader"), "unknown usage reader '\(reader)' (expected one of: \(readers.joined(separator: ", ")))")
        }
        let nodes = try usage.list("paths")
        guard !nodes.isEmpty else {
            throw .invalidValue(usage.location(of: "paths"), "'paths' needs at least one glob relative to HOME, like .claude/projects/**/*.jsonl")
        }
        var paths: [String] = []
        for node in nodes {
            let path = try node.string(key: "paths")
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~"), !path.split(separator: "/").contains("..") else {
                throw .invalidValue(node.location, "'\(path)' must be a glob relative to HOME without '..'")
            }
            paths.append(path)
        }
        return UsageSource(reader: reader, paths: paths)
    }
}
