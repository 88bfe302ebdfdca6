import Foundation
import RingletManifest
import RingletSemver
import Testing

/// Every manifest shipped in the repository's `registry/` decodes, and is filed where it says it belongs.
@Suite struct BuiltinRegistryManifestTests {
    /// `<kind folder>/<id>/<version>.yaml` of every manifest in `registry/`, found on disk.
    static let manifestPaths: [String] = {
        let root = ManifestFixtures.registry.path
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".yaml") && $0.split(separator: "/").count == 3 }.sorted()
    }()

    static let expected: [(path: String, kind: ManifestKind, id: String, version: String)] = [
        ("agents/aider/0.86.0.yaml", .agent, "aider", "0.86.0"),
        ("agents/claude/2.1.0.yaml", .agent, "claude", "2.1.0"),
        ("agents/codex/0.50.0.yaml", .agent, "codex", "0.50.0"),
        ("agents/gemini/0.10.0.yaml", .agent, "gemini", "0.10.0"),
        ("agents/opencode/1.0.0.yaml", .agent, "opencode", "1.0.0"),
        ("agents/shell/1.0.0.yaml", .agent, "shell", "1.0.0"),
        ("providers/anthropic/1.0.0.yaml", .provider, "anthropic", "1.0.0"),
        ("providers/custom/1.0.0.yaml", .provider, "custom", "1.0.0"),
        ("providers/google/1.0.0.yaml", .provider, "google", "1.0.0"),
        ("providers/ollama/1.0.0.yaml", .provider, "ollama", "1.0.0"),
        ("providers/openai/1.0.0.yaml", .provider, "openai", "1.0.0"),
        ("providers/openrouter/1.0.0.yaml", .provider, "openrouter", "1.0.0"),
        ("hooks/safe-shell/1.0.0.yaml", .hooks, "safe-shell", "1.0.0"),
        ("eggs/offline/1.0.0.yaml", .egg, "offline", "1.0.0"),
        ("eggs/read-only-review/1.0.0.yaml", .egg, "read-only-review", "1.0.0"),
    ]

    private static func decode(_ path: String) throws -> Manifest {
        let bytes = Array(try Data(contentsOf: ManifestFixtures.registry.appendingPathComponent(path)))
        return try Manifest.decode(bytes, file: path)
    }

    @Test func theRegistryFolderIsFound() {
        #expect(FileManager.default.fileExists(atPath: ManifestFixtures.registry.appendingPathComponent("registry.yaml").path))
        #expect(Self.manifestPaths.count >= Self.expected.count)
    }

    @Test(arguments: expected)
    func shippedManifestDecodesWithItsIdentity(path: String, kind: ManifestKind, id: String, version: String) throws {
        let identity = try Self.decode(path).identity
        #expect(identity.kind == kind)
        #expect(identity.id == id)
        #expect(identity.version == (try Version(parsing: version)))
        #expect(!identity.description.isEmpty, "a shipped manifest says what it is")
    }

    /// Also covers manifests added after this test was written: each is filed under its kind, id and version.
    @Test(arguments: manifestPaths)
    func everyManifestIsFiledWhereItsIdentitySays(path: String) throws {
        let identity = try Self.decode(path).identity
        #expect(path == "\(identity.kind.folder)/\(identity.id)/\(identity.version).yaml")
        #expect(identity.idLocation.line > 0 && identity.versionLocation.line > 0)
    }

    /// The sample `--version` output quoted in each agent manifest yields its version through `version_pattern`,
    /// and that version is one the manifest supports.
    @Test(arguments: [
        ("aider", "aider 0.86.1", "0.86.1"),
        ("claude", "2.1.3 (Claude Code)", "2.1.3"),
        ("codex", "codex-cli 0.50.0", "0.50.0"),
        ("gemini", "0.10.0", "0.10.0"),
        ("opencode", "1.0.0", "1.0.0"),
        ("shell", "GNU bash, version 5.2.15(1)-release", "5.2.15"),
    ])
    func versionPatternFindsTheToolVersion(id: String, output: String, version: String) throws {
        let path = try #require(Self.manifestPaths.first { $0.hasPrefix("agents/\(id)/") })
        let agent = try #require(try Self.decode(path).agent)
        let regex = try Regex(agent.binary.versionPattern)
        let match = try #require(try regex.firstMatch(in: output))
        let captured = try #require(match.output[1].substring)
        #expect(String(captured) == version)
        let supported = try #require(agent.binary.supported)
        #expect(supported.contains(try Version(parsing: version)))
    }

    @Test func claudeIsWiredForHooksAndItsAPI() throws {
        let claude = try #require(try Self.decode("agents/claude/2.1.0.yaml").agent)
        #expect(claude.hookAdapter == .claudeSettings)
        #expect(claude.binary.versionArguments == ["--version"])
        #expect(claude.arguments.model == ["--model", "{model}"])
        #expect(claude.apiFamilies == ["anthropic"])
        #expect(claude.network.contains("api.anthropic.com"))
        #expect(claude.environment.set["DISABLE_AUTOUPDATER"] == "1")
        #expect(claude.environment.model == "ANTHROPIC_MODEL")
        #expect(claude.configDirectories == [".claude"])
        #expect(claude.models.defaultModel == "sonnet")
    }

    @Test func providersDeclareTheirEndpoints() throws {
        let anthropic = try #require(try Self.decode("providers/anthropic/1.0.0.yaml").provider)
        #expect(anthropic.apis.map(\.family) == ["anthropic"])
        #expect(anthropic.apis.first?.defaultEndpoint?.url == "https://api.anthropic.com")
        #expect(anthropic.apis.first?.apiKeyVariable == "ANTHROPIC_API_KEY")
        #expect(anthropic.keyRequired && !anthropic.allowsCustomBaseURL)

        let custom = try #require(try Self.decode("providers/custom/1.0.0.yaml").provider)
        #expect(custom.allowsCustomBaseURL)
        #expect(!custom.keyRequired)
        #expect(custom.apis.allSatisfy { $0.endpoints.isEmpty && $0.defaultEndpoint == nil })

        let ollama = try #require(try Self.decode("providers/ollama/1.0.0.yaml").provider)
        #expect(ollama.network == ["127.0.0.1:11434"])
    }

    @Test func hookPackAndEggsKeepTheirSettings() throws {
        let pack = try #require(try Self.decode("hooks/safe-shell/1.0.0.yaml").hookPack)
        #expect(pack.hooks.map(\.name) == ["block-recursive-delete-of-root-or-home", "block-force-push-to-main"])
        #expect(pack.hooks.allSatisfy { $0.event == .preToolUse && $0.match == "Bash" && $0.timeout?.milliseconds == 5000 })
        #expect(pack.hooks.allSatisfy { $0.shell.hasSuffix("exit 0\n") })

        let review = try #require(try Self.decode("eggs/read-only-review/1.0.0.yaml").egg)
        #expect(review.policy.fileRules.map { "\($0.access.rawValue):\($0.path)" } == ["deny-write:."])
        #expect(review.policy.resources.memory?.bytes == 4 << 30)
        #expect(review.policy.resources.maxProcesses == 256)

        let offline = try #require(try Self.decode("eggs/offline/1.0.0.yaml").egg)
        #expect(offline.policy.network.isEmpty)
        #expect(offline.policy.resources.maxProcesses == 512)
        #expect(offline.policy.base == .defaults)
    }
}
