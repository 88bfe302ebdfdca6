import Foundation
import RingletTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real Claude Code, run by `ringlet profiles run` in the sandbox as a normal user, against the
/// Anthropic double through the egress proxy, with a pre-tool-use hook on the profile: the proof that
/// hooks gate a real agent's tool calls, and that the trusted side records both decisions.
@Suite(.enabled(if: getuid() == 0, "needs root to create the unprivileged user"),
       .enabled(if: ClaudeCode.binary != nil, Comment(rawValue: ClaudeCode.missingReason)))
struct ClaudeCodeProfileTests {
    @Test func aHookDeniesOneCommandAndAllowsTheNext() throws {
        let world = try UnprivilegedWorld(user: try UnprivilegedUser.ensure(), prefix: "ringlet-claude-profile")
        let double = try AnthropicDouble(script: [
            .toolUse("Bash", input: ["command": "rm -rf precious"], id: "toolu_denied_rm"),
            .toolUse("Bash", input: ["command": "echo hello > made-by-claude.txt"], id: "toolu_allowed_echo"),
            .text("Tidied up what I was allowed to."),
        ])
        defer { double.stop() }
        let claude = try #require(ClaudeCode.binary)
        try #require(try world.user.canExecute(claude), "\(world.user.name) cannot execute \(claude)")
        try world.write("keep me\n", to: world.project + "/precious/file.txt")
        let environment = ["PATH": (claude as NSString).deletingLastPathComponent + ":/usr/bin:/bin", "TEST_KEY": "sk-ant-test-double"]
        func ringlet(_ arguments: [String]) throws -> ProcessResult { try world.ringlet(arguments, environment: environment) }

        #expect(try ringlet(["config", "set", "credentials.backend", "file"]).status == 0)
        let created = try ringlet(["profiles", "create", "work", "--agent", "claude", "--provider", "custom", "--endpoint", double.baseURL,
                                   "--api-key-env", "TEST_KEY", "--workspace", world.project])
        try #require(created.status == 0, "\(created)")
        let hook = "if printf %s \"$RINGLET_TOOL_INPUT\" | grep -q 'rm -rf'; then echo 'no rm -rf here' >&2; exit 1; fi"
        try #require(try ringlet(["hooks", "add", "work", "--on", "pre-tool-use", "--match", "Bash", "--name", "no-rm", "--shell", hook]).status == 0)

        let result = try ringlet(["profiles", "run", "work", "--env", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "--",
                                  "-p", "tidy up the project", "--output-format", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.contents(atPath: world.project + "/precious/file.txt") == Data("keep me\n".utf8), "the denied command ran")
        #expect(FileManager.default.contents(atPath: world.project + "/made-by-claude.txt") == Data("hello\n".utf8), "the allowed command did not run")

        let output = try result.jsonObject()
        #expect(output["result"] as? String == "Tidied up what I was allowed to.", "\(result)")
        let denials = try #require(output["permission_denials"] as? [[String: Any]], "\(result)")
        #expect(denials.map { $0["tool_use_id"] as? String } == ["toolu_denied_rm"], "\(result)")
        let told = try #require(try double.toolResult(for: "toolu_denied_rm"))
        #expect(told.isError && told.text.contains("no rm -rf here"), "the hook's reason reaches the model: \(told)")
        #expect(try double.toolResult(for: "toolu_allowed_echo")?.isError == false)

        let decisions = try String(contentsOfFile: world.ringletHome + "/state/hooks.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(decisions.count == 2, "\(decisions)")
        #expect(decisions.first?.contains("\"verdict\":\"deny\"") == true && decisions.first?.contains("rm -rf precious") == true)
        #expect(decisions.last?.contains("\"verdict\":\"allow\"") == true)
        let proxy = try String(contentsOfFile: world.ringletHome + "/state/proxy.jsonl", encoding: .utf8)
        #expect(proxy.contains("\"verdict\":\"allowed\""), "the double was reached through the proxy: \(proxy)")
        #expect(!(decisions.joined() + proxy).contains("sk-ant-test-double"), "no key in any record")
    }
}
