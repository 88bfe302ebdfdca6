import Foundation
import RingletManifest
import RingletYAML

/// Where the test data lives: this target's `Fixtures/` folder and the repository's built-in `registry/`.
enum ManifestFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `/work/main/registry`: three levels up from this file (Tests/RingletManifestTests/<file>).
    static let registry = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("registry")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(relative)))
    }

    /// Decodes a fixture, labelled with its path relative to `Fixtures/` so messages are stable.
    static func decode(_ relative: String) throws -> Manifest {
        try Manifest.decode(try bytes(relative), file: relative)
    }

    /// The `file:line:col: message` a fixture is refused with, or nil when it decodes.
    static func error(_ relative: String) throws -> String? {
        error(decoding: try bytes(relative), file: relative)
    }

    static func error(decoding text: String, file: String = "inline.yaml") -> String? {
        error(decoding: Array(text.utf8), file: file)
    }

    private static func error(decoding bytes: [UInt8], file: String) -> String? {
        do {
            _ = try Manifest.decode(bytes, file: file)
            return nil
        } catch {
            return error.description
        }
    }

    /// Decodes inline YAML (a manifest's whole text) and fails the test if it is refused.
    static func decode(text: String, file: String = "inline.yaml") throws -> Manifest {
        try Manifest.decode(Array(text.utf8), file: file)
    }

    /// A minimal valid agent manifest with `extra` lines appended at the top level.
    static func agent(_ extra: String = "") -> String {
        "kind: agent\nschema: 1\nid: demo\nversion: 1.0.0\nbinary:\n  name: demo\n" + extra
    }

    /// A minimal valid egg manifest whose `policy:` body is `policy` (lines indented by two spaces).
    static func egg(policy: String) -> String {
        "kind: egg\nschema: 1\nid: demo\nversion: 1.0.0\npolicy:\n" + policy
    }
}

extension Manifest {
    var agent: AgentManifest? { if case .agent(let m) = self { m } else { nil } }
    var provider: ProviderManifest? { if case .provider(let m) = self { m } else { nil } }
    var hookPack: HookPackManifest? { if case .hooks(let m) = self { m } else { nil } }
    var egg: EggManifest? { if case .egg(let m) = self { m } else { nil } }
}
