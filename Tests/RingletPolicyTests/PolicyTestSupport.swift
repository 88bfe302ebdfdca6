import Foundation
import RingletManifest
@testable import RingletPolicy
import RingletSystem
import RingletTestSupport
import RingletYAML
import Testing

/// Shared by every suite in this target: short ways to build layers by hand, a seeded random number
/// generator, a world of temporary folders for the built-in defaults, and fixture lookup.

typealias Access = FileDecision.Access
typealias RuleKind = EggPolicy.Access

// MARK: Layers by hand

enum Layers {
    /// An origin whose label names the layer, so tests can tell which layer a rule came from.
    static func origin(_ label: String, kind: PolicyLayer.Kind = .project, line: Int? = nil) -> RuleOrigin {
        RuleOrigin(layer: kind, label: label, location: line.map { YAMLLocation(file: label, line: $0, column: 5) })
    }

    static func rule(_ access: RuleKind, _ path: String, in label: String, kind: PolicyLayer.Kind = .project,
                     protected: Bool = false) -> PolicyLayer.FileRule {
        PolicyLayer.FileRule(access, path, origin: origin(label, kind: kind), isProtected: protected)
    }

    /// A layer named `label` with `rules` (`(.deny, "/a")` …) and `overrides` (`(.rw, "/a/b")` …).
    static func layer(_ label: String, kind: PolicyLayer.Kind = .project, _ rules: [(RuleKind, String)] = [],
                      protected: Bool = false, overrides: [(RuleKind, String)] = [], liftsProtected: Bool = false) -> PolicyLayer {
        var layer = PolicyLayer(kind: kind, label: label)
        layer.fileRules = rules.map { rule($0.0, $0.1, in: label, kind: kind, protected: protected) }
        layer.overrides = overrides.map {
            PolicyLayer.Override(rule: rule($0.0, $0.1, in: label, kind: kind), liftsProtected: liftsProtected)
        }
        return layer
    }

    static func network(_ label: String, _ entries: [String], kind: PolicyLayer.Kind = .project) throws -> PolicyLayer {
        var layer = PolicyLayer(kind: kind, label: label)
        for entry in entries {
            layer.network.append(.init(pattern: try #require(DomainPattern(parsing: entry)), origin: origin(label, kind: kind)))
        }
        return layer
    }

    /// `NAME` passes the host's value through; `NAME=value` sets it.
    static func environment(_ label: String, _ entries: [String], kind: PolicyLayer.Kind = .project) -> PolicyLayer {
        var layer = PolicyLayer(kind: kind, label: label)
        layer.environment = entries.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1)
            return .init(name: String(parts[0]), value: parts.count == 2 ? String(parts[1]) : nil, origin: origin(label, kind: kind))
        }
        return layer
    }

    static func limit(_ value: Int, _ label: String) -> PolicyLayer.Limit<Int> {
        .init(value: value, origin: origin(label))
    }
}

extension ComposedPolicy {
    func access(_ path: String) -> Access { decide(path: path).access }
}

// MARK: Reproducible randomness

/// SplitMix64: a tiny generator whose sequence depends only on its seed, so a failing case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: Files

enum PolicyFixtures {
    /// `Tests/RingletPolicyTests/Fixtures`, with symlinks resolved (as the loader resolves file names).
    static let folder = realPath(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path)

    static func path(_ relative: String) -> String { folder + "/" + relative }
}

/// The kernel's idea of a path (independent of `PathResolver`), for expectations.
func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

func makeFolder(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}

func makeSymlink(_ path: String, to target: String) throws {
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
}

/// A fixed environment for resolvers: never the process's own.
func environment(_ values: [String: String]) -> @Sendable (String) -> String? {
    { values[$0] }
}

/// `#expect` for loops of thousands of cases: the message is built only when the check fails.
func check(_ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    if !condition { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
}

/// The message a throwing policy call fails with, or nil when it succeeds.
func failure<T>(_ body: () throws(PolicyError) -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.description
    }
}

/// A user's machine in a temporary folder: a real HOME with secrets, Ringlet's XDG folders under it, a
/// profile HOME, and a workspace that is a git repository. Nothing touches the real HOME.
final class PolicyWorld: Sendable {
    let temporary: TemporaryDirectory
    let userHome: String
    let workspace: String
    let profileHome: String
    let directories: RingletDirectories
    let context: PolicyContext

    init(profile: String = "work") throws {
        temporary = try TemporaryDirectory("ringlet-policy")
        let root = realPath(temporary.path)
        userHome = root + "/home/user"
        workspace = userHome + "/src/shop"
        directories = RingletDirectories(config: userHome + "/.config/ringlet", cache: userHome + "/.cache/ringlet",
                                         data: userHome + "/.local/share/ringlet", state: userHome + "/.local/state/ringlet",
                                         runtime: root + "/run/ringlet")
        profileHome = directories.data + "/homes/" + profile
        for folder in [workspace + "/.git/hooks", userHome + "/.ssh", userHome + "/.aws", profileHome, directories.config,
                       directories.state, directories.runtime] {
            try makeFolder(folder)
        }
        try temporary.write("home/user/.ssh/known_hosts", "host ssh-ed25519 AAAA\n")
        try temporary.write("home/user/.ssh/id_ed25519", "secret\n")
        try temporary.write("home/user/.aws/credentials", "[default]\n")
        try temporary.write("home/user/src/shop/.git/config", "[core]\n")
        let home = userHome
        context = PolicyContext(workspace: workspace, profileHome: profileHome, userHome: userHome, directories: directories,
                                environment: environment(["HOME": home, "PROJECT": "shop"]))
    }

    /// The built-in defaults for an agent with `hookAdapter`.
    func defaults(_ hookAdapter: AgentManifest.HookAdapter = .none) -> PolicyLayer {
        DefaultPolicy.layer(context, hookAdapter: hookAdapter)
    }

    /// An egg.yaml with `text` written in the workspace and loaded as a `kind` layer.
    func egg(_ text: String, kind: PolicyLayer.Kind = .project) throws -> [PolicyLayer] {
        let file = try TemporaryDirectory.write(text, to: workspace + "/egg.yaml")
        return try EggLoader.layers(file: file, kind: kind, resolver: context.resolver)
    }
}
