import RingletManifest
import RingletYAML

/// One additive layer of sandbox policy, already expanded to absolute paths, with the origin of every rule.
///
/// Layers are composed in order (defaults, agent, provider, global egg, project eggs, profile, flags);
/// `PolicyComposer` decides what the layers mean together.
public struct PolicyLayer: Sendable {
    public enum Kind: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
        case defaults, agent, provider, global, project, profile, flags

        public var title: String {
            switch self {
            case .defaults: "built-in defaults"
            case .agent: "agent manifest"
            case .provider: "provider manifest"
            case .global: "global egg.yaml"
            case .project: "project egg.yaml"
            case .profile: "profile"
            case .flags: "command line"
            }
        }

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public struct FileRule: Sendable, Hashable {
        public var access: EggPolicy.Access
        /// Absolute and normalized, symlinks resolved where they exist.
        public var path: String
        /// As the layer wrote it, for messages.
        public var written: String
        public var origin: RuleOrigin
        /// Built-in secret denials and hook-wiring protections: only `--i-know-what-im-doing-allow` lifts them.
        public var isProtected: Bool

        public init(_ access: EggPolicy.Access, _ path: String, written: String? = nil, origin: RuleOrigin, isProtected: Bool = false) {
            self.access = access
            self.path = path
            self.written = written ?? path
            self.origin = origin
            self.isProtected = isProtected
        }
    }

    public struct Override: Sendable, Hashable {
        public var rule: FileRule
        /// Only the command-line flag `--i-know-what-im-doing-allow` may lift protected rules.
        public var liftsProtected: Bool
    }

    public struct NetworkRule: Sendable, Hashable {
        public var pattern: DomainPattern
        public var origin: RuleOrigin
    }

    public struct EnvironmentRule: Sendable, Hashable {
        public var name: String
        /// nil: pass the host's value through; otherwise this value.
        public var value: String?
        public var origin: RuleOrigin
    }

    public struct Limit<Value: Sendable & Hashable & Comparable>: Sendable, Hashable {
        public var value: Value
        public var origin: RuleOrigin
    }

    public var kind: Kind
    public var label: String
    public var fileRules: [FileRule] = []
    public var overrides: [Override] = []
    public var network: [NetworkRule] = []
    public var environment: [EnvironmentRule] = []
    public var cpuMilliseconds: Limit<Int>?
    public var memoryBytes: Limit<Int>?
    public var maxFileDescriptors: Limit<Int>?
    public var maxProcesses: Limit<Int>?
    public var skipPermissions: (value: Bool, origin: RuleOrigin)?
    public var agentSettings: (value: YAMLNode, origin: RuleOrigin)?
    /// `audit:`: whether recordings keep the session's input too.
    public var recordInput: (value: Bool, origin: RuleOrigin)?
    /// `base: none`: the built-in defaults are left out of the composition (their protected rules stay).
    public var dropsDefaults = false

    public init(kind: Kind, label: String) {
        self.kind = kind
        self.label = label
    }

    public var isEmpty: Bool {
        fileRules.isEmpty && overrides.isEmpty && network.isEmpty && environment.isEmpty && cpuMilliseconds == nil
            && memoryBytes == nil && maxFileDescriptors == nil && maxProcesses == nil && skipPermissions == nil
            && agentSettings == nil && recordInput == nil && !dropsDefaults
    }
}
