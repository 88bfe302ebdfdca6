import RingletYAML

/// The body of an `egg.yaml` (or of an egg manifest's `policy:`): one additive layer of sandbox policy.
///
/// This type checks that every rule is well formed and keeps where each came from; composing layers
/// into the policy a sandbox runs with is the policy composer's job.
public struct EggPolicy: Sendable {
    public enum Access: String, Sendable, Hashable, CaseIterable {
        case rw, ro, deny
        case denyWrite = "deny-write"
    }

    public struct FileRule: Sendable, Hashable {
        public var access: Access
        public var path: String
        public var location: YAMLLocation
    }

    public struct Resources: Sendable, Hashable {
        public var cpu: DurationValue?
        public var memory: ByteSize?
        public var maxFileDescriptors: Int?
        public var maxProcesses: Int?
    }

    public struct EnvironmentSetting: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// Where each value was written, for provenance in `ringlet sandbox explain`.
    public struct Locations: Sendable {
        public var base: YAMLLocation?
        public var network: [YAMLLocation] = []
        public var environment: [String: YAMLLocation] = [:]
        public var resources: [String: YAMLLocation] = [:]
        public var dangerouslySkipPermissions: YAMLLocation?
        public var agentSettings: YAMLLocation?
        public var audit: YAMLLocation?
    }

    public enum Base: Sendable, Hashable {
        case defaults
        case none
        case file(String)
    }

    public var base: Base
    public var fileRules: [FileRule]
    public var allowOverrides: [FileRule]
    public var network: [String]
    public var environmentPassThrough: [String]
    public var environmentSettings: [EnvironmentSetting]
    public var resources: Resources
    public var dangerouslySkipPermissions: Bool?
    public var agentSettings: YAMLNode?
    /// `audit: true`: session recordings keep what was typed as well as what was shown.
    public var audit: Bool?
    /// `budget:`: a spending limit for the sessions this layer applies to.
    public var budget: Budget?
    public var locations = Locations()

    public static let keys = ["base", "fs", "network", "env", "resources", "dangerously_skip_permissions",
                              "agent_settings", "allow-override", "audit", "budget"]

    public init(_ map: YAMLMapping) throws(YAMLError) {
        try map.requireKnownKeys(EggPolicy.keys)
        switch try map.optionalString("base") {
        case nil: base = .defaults
        case "none": base = .none
        case let path?: base = .file(path)
        }
        fileRules = try EggPolicy.rules(map, "fs")
        // One file saying two things about one path is a mistake to point at, not a tie to break.
        var firstRule: [String: FileRule] = [:]
        for rule in fileRules {
            if let first = firstRule[rule.path], first.access != rule.access {
                throw .invalidValue(rule.location, "'\(rule.access.rawValue):\(rule.path)' contradicts '\(first.access.rawValue):\(first.path)' on line \(first.location.line)")
            }
            firstRule[rule.path] = firstRule[rule.path] ?? rule
        }
        allowOverrides = try EggPolicy.rules(map, "allow-override")
        network = try NetworkDomain.decode(map)
        locations.base = map.optionalNode("base")?.location
        locations.network = try map.list("network").map(\.location)

        var names: [String] = []
        var settings: [EnvironmentSetting] = []
        for node in try map.list("env") {
            let entry = try node.string(key: "env")
            let name: String
            if let equals = entry.firstIndex(of: "=") {
                name = String(entry[..<equals])
                settings.append(EnvironmentSetting(name: name, value: String(entry[entry.index(after: equals)...])))
            } else {
                name = entry
                names.append(entry)
            }
            // A pass-through entry may be a pattern (`MYAPP_*`); a setting names one variable.
            let checked = entry.contains("=") ? name : name.replacing("*", with: "_")
            guard EnvironmentName.isValid(checked) else {
                throw .invalidValue(node.location, "'\(entry)' must be a variable name, a NAME_* pattern or NAME=value")
            }
            locations.environment[name] = node.location
        }
        environmentPassThrough = names
        environmentSettings = settings
        for (index, setting) in settings.enumerated() {
            if let earlier = settings[..<index].first(where: { $0.name == setting.name && $0.value != setting.value }) {
                throw .invalidValue(locations.environment[setting.name] ?? map.location(of: "env"),
                                    "'\(setting.name)=\(setting.value)' contradicts '\(earlier.name)=\(earlier.value)' in the same file")
            }
        }

        resources = Resources()
        if let limits = try map.optionalMapping("resources") {
            try limits.requireKnownKeys(["cpu", "memory", "max_fds", "max_pids"])
            for key in limits.keys { locations.resources[key] = limits.location(of: key) }
            resources.cpu = try DurationValue.decode(limits, "cpu")
            if let text = try limits.optionalString("memory") {
                guard let size = ByteSize(parsing: text), size.bytes > 0 else {
                    throw .invalidValue(limits.location(of: "memory"), "'memory' must be a size like 512M or 4G, found '\(text)'")
                }
                resources.memory = size
            }
            resources.maxFileDescriptors = try EggPolicy.positive(limits, "max_fds")
            resources.maxProcesses = try EggPolicy.positive(limits, "max_pids")
        }
        dangerouslySkipPermissions = try map.optionalBool("dangerously_skip_permissions")
        agentSettings = map.optionalNode("agent_settings")
        locations.dangerouslySkipPermissions = map.optionalNode("dangerously_skip_permissions")?.location
        locations.agentSettings = agentSettings?.location
        audit = try map.optionalBool("audit")
        locations.audit = map.optionalNode("audit")?.location
        budget = try Budget.decode(map)
    }

    private static func positive(_ map: YAMLMapping, _ key: String) throws(YAMLError) -> Int? {
        guard let value = try map.optionalInt(key) else { return nil }
        guard value > 0 else { throw .invalidValue(map.location(of: key), "'\(key)' must be a positive number, found \(value)") }
        return value
    }

    /// `ACCESS:PATH` entries; the path is kept as written, since `~`, `$VAR` and relative paths expand
    /// against the file and profile at composition time.
    private static func rules(_ map: YAMLMapping, _ key: String) throws(YAMLError) -> [FileRule] {
        var rules: [FileRule] = []
        for node in try map.list(key) {
            // `- deny: ~/.ssh` (a space after the colon) is a mapping to YAML; say how to write the rule.
            if case .mapping(let pairs) = node.value, pairs.count == 1, let name = pairs[0].key.keyText, Access(rawValue: name) != nil {
                let path = (try? pairs[0].value.string()) ?? "PATH"
                throw .invalidValue(node.location, "write '\(name):\(path)' with no space after the colon (YAML read '\(name): …' as a mapping)")
            }
            let entry = try node.string(key: key)
            guard let colon = entry.firstIndex(of: ":"), let access = Access(rawValue: String(entry[..<colon])) else {
                let kinds = Access.allCases.map { "\($0.rawValue):PATH" }.joined(separator: ", ")
                throw .invalidValue(node.location, "'\(entry)' is not a file rule (expected \(kinds))")
            }
            let path = String(entry[entry.index(after: colon)...])
            guard !path.isEmpty else {
                throw .invalidValue(node.location, "'\(entry)' names no path")
            }
            rules.append(FileRule(access: access, path: path, location: node.location))
        }
        return rules
    }
}
