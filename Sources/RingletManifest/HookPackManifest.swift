import RingletYAML

/// A named set of hook scripts with the tool calls they apply to, shared through a registry so a team
/// installs the same guardrails everywhere (`ringlet hooks add PROFILE --pack REF`).
public struct HookPackManifest: Sendable {
    public enum Event: String, Sendable, Hashable, CaseIterable {
        case preToolUse = "pre-tool-use"
    }

    public struct Hook: Sendable, Hashable {
        public var name: String
        public var event: Event
        /// A glob over tool names (`Bash`, `Edit|Write`, `*`).
        public var match: String
        public var shell: String
        public var timeout: DurationValue?
    }

    public var identity: ManifestIdentity
    public var hooks: [Hook]

    static let keys = ManifestIdentity.keys + ["hooks"]

    init(_ map: YAMLMapping, identity: ManifestIdentity) throws(YAMLError) {
        try map.requireKnownKeys(HookPackManifest.keys)
        self.identity = identity
        var hooks: [Hook] = []
        for node in try map.list("hooks") {
            let hook = try node.mapping(key: "hooks")
            try hook.requireKnownKeys(["name", "on", "match", "shell", "timeout"])
            let name = try hook.string("name")
            if let problem = ManifestIdentity.problem(withID: name, noun: "hook name") {
                throw .invalidValue(hook.location(of: "name"), problem)
            }
            guard !hooks.contains(where: { $0.name == name }) else {
                throw .invalidValue(hook.location(of: "name"), "hook '\(name)' is defined twice")
            }
            let eventText = try hook.string("on")
            guard let event = Event(rawValue: eventText) else {
                let known = Event.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(hook.location(of: "on"), "unknown hook event '\(eventText)' (expected one of: \(known))")
            }
            hooks.append(Hook(name: name, event: event, match: try hook.optionalString("match") ?? "*",
                              shell: try hook.string("shell"), timeout: try DurationValue.decode(hook, "timeout")))
        }
        guard !hooks.isEmpty else {
            throw .invalidValue(map.location(of: "hooks"), "a hook pack needs at least one hook under 'hooks'")
        }
        self.hooks = hooks
    }
}
