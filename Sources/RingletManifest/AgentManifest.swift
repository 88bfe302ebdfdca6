import RingletSemver
import RingletYAML

/// Everything Ringlet must know to run one coding agent: how to find and recognise its binary, how to
/// run it unattended, what of HOME it writes, where it is installed, which environment and network it
/// needs, which provider API families it speaks and how its hooks are wired.
///
/// Supporting a new agent is writing one of these, never a code change.
public struct AgentManifest: Sendable {
    public struct Binary: Sendable, Hashable {
        /// The program name looked up on PATH, or an absolute path.
        public var name: String
        public var versionArguments: [String]
        /// A regular expression whose first capture group is the tool's version in `--version` output.
        public var versionPattern: String
        /// The tool versions this manifest describes (a semver range).
        public var supported: VersionRange?
        public var installHint: String?
    }

    public struct Arguments: Sendable, Hashable {
        public var defaults: [String]
        /// What makes the agent run without asking for permission (the sandbox is the permission).
        public var unattended: [String]
        /// How a model choice is passed on the command line; `{model}` is replaced.
        public var model: [String]
    }

    public struct Environment: Sendable, Hashable {
        public var pass: [String]
        public var set: [String: String]
        /// The variable that carries the model choice, for agents that read one.
        public var model: String?
    }

    public enum HookAdapter: String, Sendable, Hashable, CaseIterable {
        case claudeSettings = "claude-settings"
        case none

        /// Files, relative to HOME and to the workspace, from which the agent reads hook configuration;
        /// the sandbox keeps them read-only so an agent cannot unhook itself.
        public var wiringFiles: [String] {
            switch self {
            case .claudeSettings: [".claude/settings.json", ".claude/settings.local.json"]
            case .none: []
            }
        }
    }

    public var identity: ManifestIdentity
    public var homepage: String?
    public var binary: Binary
    public var arguments: Arguments
    public var configDirectories: [String]
    public var writableFiles: [String]
    public var installRoots: [String]
    public var environment: Environment
    public var network: [String]
    public var apiFamilies: [String]
    public var hookAdapter: HookAdapter
    public var models: ModelCatalog
    /// Where the agent records the tokens it used, for `ringlet usage`; nil when it keeps no such record.
    public var usage: UsageSource?

    static let keys = ManifestIdentity.keys + ["homepage", "binary", "arguments", "home", "install_roots", "env",
                                               "network", "api_families", "hooks", "models", "usage"]

    init(_ map: YAMLMapping, identity: ManifestIdentity) throws(YAMLError) {
        try map.requireKnownKeys(AgentManifest.keys)
        self.identity = identity
        homepage = try map.optionalString("homepage")

        let binaryMap = try YAMLMapping(try map.requiredNode("binary"), key: "binary")
        try binaryMap.requireKnownKeys(["name", "version_args", "version_pattern", "supported", "install_hint"])
        let pattern = try binaryMap.optionalString("version_pattern") ?? #"(\d+\.\d+\.\d+)"#
        do {
            let regex = try Regex(pattern)
            _ = try regex.firstMatch(in: "")
        } catch {
            throw .invalidValue(binaryMap.location(of: "version_pattern"), "version_pattern is not a valid regular expression: \(error)")
        }
        var supported: VersionRange?
        if let range = try binaryMap.optionalString("supported") {
            do throws(SemverError) {
                supported = try VersionRange(parsing: range)
            } catch {
                throw .invalidValue(binaryMap.location(of: "supported"), error.description)
            }
        }
        let versionArguments = binaryMap.optionalNode("version_args") == nil ? ["--version"] : try binaryMap.strings("version_args")
        binary = Binary(name: try binaryMap.string("name"), versionArguments: versionArguments,
                        versionPattern: pattern, supported: supported, installHint: try binaryMap.optionalString("install_hint"))

        let argumentsMap = try map.optionalMapping("arguments")
        try argumentsMap?.requireKnownKeys(["default", "unattended", "model"])
        arguments = Arguments(defaults: try argumentsMap?.strings("default") ?? [],
                              unattended: try argumentsMap?.strings("unattended") ?? [],
                              model: try argumentsMap?.strings("model") ?? [])

        let home = try map.optionalMapping("home")
        try home?.requireKnownKeys(["config_dirs", "writable_files"])
        configDirectories = try AgentManifest.homeRelativePaths(home, "config_dirs")
        writableFiles = try AgentManifest.homeRelativePaths(home, "writable_files")
        installRoots = try map.strings("install_roots")

        let env = try map.optionalMapping("env")
        try env?.requireKnownKeys(["pass", "set", "model"])
        var settings: [String: String] = [:]
        for pair in try env?.stringPairs("set") ?? [] { settings[pair.name] = pair.value }
        environment = Environment(pass: try env?.strings("pass") ?? [], set: settings, model: try env?.optionalString("model"))
        for name in environment.pass + Array(settings.keys) + [environment.model].compactMap({ $0 }) where !EnvironmentName.isValid(name) {
            throw .invalidValue(env?.node.location ?? map.node.location, "'\(name)' is not a valid environment variable name")
        }

        network = try NetworkDomain.decode(map)
        apiFamilies = try map.strings("api_families")
        for family in apiFamilies where !APIFamily.known.contains(family) {
            throw .invalidValue(map.location(of: "api_families"), APIFamily.unknownMessage(family))
        }

        if let hooks = try map.optionalMapping("hooks") {
            try hooks.requireKnownKeys(["adapter"])
            let text = try hooks.string("adapter")
            guard let adapter = HookAdapter(rawValue: text) else {
                let known = HookAdapter.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(hooks.location(of: "adapter"), "unknown hook adapter '\(text)' (expected one of: \(known))")
            }
            hookAdapter = adapter
        } else {
            hookAdapter = .none
        }
        models = try ModelCatalog.decode(map)
        usage = try UsageSource.decode(map)
    }

    /// Paths inside the profile's HOME: relative, and never climbing out of it.
    private static func homeRelativePaths(_ map: YAMLMapping?, _ key: String) throws(YAMLError) -> [String] {
        guard let map else { return [] }
        var result: [String] = []
        for node in try map.list(key) {
            let path = try node.string(key: key)
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~"),
                  !path.split(separator: "/").contains("..") else {
                throw .invalidValue(node.location, "'\(path)' must be a path relative to HOME without '..'")
            }
            result.append(path)
        }
        return result
    }
}

/// The provider API dialects an agent can speak and a provider can serve.
public enum APIFamily {
    public static let known = ["anthropic", "openai", "openai-compatible", "gemini", "ollama"]

    static func unknownMessage(_ family: String) -> String {
        "unknown API family '\(family)' (expected one of: \(known.joined(separator: ", ")))"
    }
}

/// What may name an environment variable: `_` or an ASCII letter, then letters, digits and `_`.
public enum EnvironmentName {
    public static func isValid(_ name: String) -> Bool {
        func letter(_ c: Unicode.Scalar) -> Bool { c == "_" || ("A" ... "Z").contains(c) || ("a" ... "z").contains(c) }
        guard let first = name.unicodeScalars.first, letter(first) else { return false }
        return name.unicodeScalars.allSatisfy { letter($0) || ("0" ... "9").contains($0) }
    }
}
