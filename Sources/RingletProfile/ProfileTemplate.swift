import RingletYAML

/// A starting point for `ringlet profiles create NAME --template T`: the agent, provider and model of a
/// common pair, from the repository's `profiles/` folder, compiled into the binary so it needs nothing
/// installed beside it. Options given to `create` win over the template's fields.
public struct ProfileTemplate: Sendable, Equatable {
    public static let keys = ["description", "agent", "provider", "model", "endpoint"]

    public var name: String
    public var description: String
    public var agent: String
    public var provider: String?
    public var model: String?
    public var endpoint: String?

    /// Every template, by name; one that does not parse is reported with its file and line.
    public static func all() throws(YAMLError) -> [ProfileTemplate] {
        var templates: [ProfileTemplate] = []
        for (path, text) in BuiltinProfileTemplates.files {
            guard let root = try YAMLParser.parse(Array(text.utf8), file: "profiles/" + path) else {
                throw .invalidValue(YAMLLocation(file: "profiles/" + path, line: 1, column: 1), "the template is empty")
            }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(keys)
            templates.append(ProfileTemplate(
                name: String(path.dropLast(".yaml".count)), description: try map.string("description"), agent: try map.string("agent"),
                provider: try map.optionalString("provider"), model: try map.optionalString("model"),
                endpoint: try map.optionalString("endpoint")))
        }
        return templates.sorted { $0.name < $1.name }
    }
}
