import Foundation
import RingletTestSupport
import Testing

/// The registry compiled into the binary: exactly the agents and providers the product ships, with
/// the details the sandbox relies on, and byte-identical to the repository's `registry/` folder.
@Suite struct BuiltinRegistryTests {
    static let agents = ["aider", "claude", "codex", "gemini", "opencode", "shell"]
    static let providers = ["anthropic", "custom", "google", "ollama", "openai", "openrouter"]

    @Test(arguments: [("agents", agents), ("providers", providers)])
    func listsExactlyWhatShips(noun: String, expected: [String]) throws {
        let workspace = try RingletWorkspace()
        let result = try workspace.run(noun, "list", "--json")
        #expect(result.status == Exit.ok, "\(result)")
        #expect(result.stderr.isEmpty, "a clean install prints no warnings")
        let rows = try result.jsonArray()
        #expect(rows.compactMap { $0["id"] as? String }.sorted() == expected)
        #expect(rows.allSatisfy { $0["registry"] as? String == "builtin" && $0["resolves"] as? Bool == true })
        #expect(rows.allSatisfy { !($0["name"] as? String ?? "").isEmpty && !($0["version"] as? String ?? "").isEmpty })
    }

    @Test func claudeHasWhatTheSandboxNeeds() throws {
        let workspace = try RingletWorkspace()
        let details = try succeed(try workspace.run("agents", "inspect", "claude@^2", "--json")).jsonObject()
        #expect(details["kind"] as? String == "agent")
        #expect(details["id"] as? String == "claude")
        #expect(details["registry"] as? String == "builtin")
        #expect((details["version"] as? String)?.hasPrefix("2.") == true)
        let agent = try #require(details["agent"] as? [String: Any])
        #expect(agent["binary"] as? String == "claude")
        #expect((agent["unattendedArgs"] as? [String])?.contains("--dangerously-skip-permissions") == true)
        #expect((agent["network"] as? [String])?.contains("api.anthropic.com") == true)
        #expect(agent["hookAdapter"] as? String == "claude-settings")
        #expect((agent["apiFamilies"] as? [String]) == ["anthropic"])
        #expect((agent["configDirs"] as? [String])?.contains(".claude") == true)

        let text = try workspace.run("agents", "inspect", "claude@^2")
        expect(text, exit: Exit.ok, stdout: ["agent claude 2.", "from:            builtin (builtin) agents/claude/", "hook adapter:    claude-settings",
                                             "unattended args: --dangerously-skip-permissions"])
    }

    @Test func anthropicProviderPointsAtTheAnthropicAPI() throws {
        let workspace = try RingletWorkspace()
        let details = try succeed(try workspace.run("providers", "inspect", "anthropic", "--json")).jsonObject()
        let provider = try #require(details["provider"] as? [String: Any])
        let apis = try #require(provider["apis"] as? [[String: Any]])
        #expect(apis.first?["family"] as? String == "anthropic")
        #expect((apis.first?["endpoints"] as? [String: String])?["default"] == "https://api.anthropic.com")
        #expect(apis.first?["apiKeyEnv"] as? String == "ANTHROPIC_API_KEY")
        #expect((provider["network"] as? [String]) == ["api.anthropic.com"])
    }

    /// The embedded files are the repository's files: a stale build or a lossy embedder shows here.
    @Test(arguments: agents.map { ("agents", $0) } + providers.map { ("providers", $0) })
    func embeddedManifestsMatchTheRepository(noun: String, id: String) throws {
        let workspace = try RingletWorkspace()
        let details = try succeed(try workspace.run(noun, "inspect", id, "--json")).jsonObject()
        let path = try #require(details["path"] as? String)
        #expect(path.hasPrefix("\(noun)/\(id)/"))
        #expect(details["sha256"] as? String == (try SHA256Sum.of(file: Repository.registry + "/" + path)))
    }

    @Test func theBuiltinRegistryIsReadOnlyAndAlwaysThere() throws {
        let workspace = try RingletWorkspace()
        let show = try succeed(try workspace.run("registry", "show", "builtin", "--json")).jsonObject()
        #expect(show["type"] as? String == "builtin")
        #expect(show["priority"] as? Int == 0)
        #expect((show["problems"] as? [Any])?.isEmpty == true)
        let kinds = Set((show["manifests"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
        #expect(kinds == ["agent", "provider", "hooks", "egg"])

        expect(try workspace.run("registry", "update", "builtin"), exit: Exit.ok, stdout: ["builtin: part of ringlet; nothing to fetch"])
        expect(try workspace.run("registry", "update", "builtin", "--offline"), exit: Exit.ok)
        #expect(workspace.registriesSnapshot == nil, "reading the built-in registry writes no configuration")
        #expect(!workspace.exists(workspace.home + "/cache"), "nor any cache")
    }
}
