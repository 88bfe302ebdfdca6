import Foundation
import RingletTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real Claude Code CLI driven by `AnthropicDouble`, without ringlet: proof that the double is
/// enough to run the agent offline, and of the hook contract ringlet's policy relies on (a PreToolUse
/// command hook that exits 2 denies the tool call, and its stderr is the reason the model is given).
///
/// Run as an unprivileged user because Claude Code refuses `--dangerously-skip-permissions` as root;
/// that flag keeps Claude Code's own permission prompts out of the way, so what stops a command in the
/// second test is the hook alone.
@Suite(.enabled(if: getuid() == 0, "needs root to create the unprivileged user"),
       .enabled(if: ClaudeCode.binary != nil, Comment(rawValue: ClaudeCode.missingReason)))
struct ClaudeCodeDoubleTests {
    static let command = "echo hello > made-by-claude.txt"

    /// A fresh world (HOME and a project owned by the user) and a double answering `script`.
    struct Run {
        let world: UnprivilegedWorld
        let double: AnthropicDouble
        let claude: String

        init(script: [AnthropicDouble.Turn]) throws {
            world = try UnprivilegedWorld(user: try UnprivilegedUser.ensure(), prefix: "ringlet-claude")
            double = try AnthropicDouble(script: script)
            claude = try #require(ClaudeCode.binary)
            try #require(try world.user.canExecute(claude),
                         "\(world.user.name) cannot execute \(claude); set RINGLET_CLAUDE_BINARY to a copy it can")
            try FileManager.default.createDirectory(atPath: temporaryFolder, withIntermediateDirectories: true)
            try world.user.take(temporaryFolder)
        }

        /// Claude Code's TMPDIR: it keeps per-project folders and probes under `$TMPDIR/claude-<uid>`,
        /// which would pile up in the system's /tmp run after run; in the world they go with it.
        var temporaryFolder: String { world.root + "/tmp" }

        /// `claude -p PROMPT --output-format json --dangerously-skip-permissions` as the user, in the
        /// project, bounded so an attempt to reach the internet would fail the test rather than hang it.
        func claudePrint(_ prompt: String) throws -> ProcessResult {
            var environment = ClaudeCode.environment(for: double)
            environment["TMPDIR"] = temporaryFolder
            return try world.user.run(claude, ["-p", prompt, "--output-format", "json", "--dangerously-skip-permissions"],
                                      in: world.project, environment: world.environment(environment), timeout: 120)
        }

        var madeFile: String { world.project + "/made-by-claude.txt" }
    }

    @Test func scriptedBashCallRunsAndItsResultComesBack() throws {
        let call = AnthropicDouble.Turn.toolUse("Bash", input: ["command": Self.command], id: "toolu_double_make_file")
        let run = try Run(script: [call, .text("Made the file.")])

        let result = try run.claudePrint("run the command")

        #expect(result.status == 0, "\(result)")
        let output = try result.jsonObject()
        #expect(output["is_error"] as? Bool == false, "\(result)")
        #expect(output["result"] as? String == "Made the file.", "\(result)")
        #expect((output["permission_denials"] as? [Any])?.isEmpty == true, "\(result)")
        #expect(FileManager.default.contents(atPath: run.madeFile) == Data("hello\n".utf8))

        let toolResult = try #require(try run.double.toolResult(for: "toolu_double_make_file"), "no tool_result came back")
        #expect(!toolResult.isError, "\(toolResult)")
        // The tool call and the answer to its result: two turns of the agent loop, nothing more.
        let requests = try run.double.requests
        #expect(requests.filter(\.isMainTurn).count == 2, "\(requests.map { "\($0.method) \($0.path) turn \($0.turn.map(String.init) ?? "-")" })")
    }

    @Test func preToolUseHookExitingTwoDeniesTheCallWithItsStderrAsReason() throws {
        let call = AnthropicDouble.Turn.toolUse("Bash", input: ["command": Self.command], id: "toolu_double_denied")
        let run = try Run(script: [call, .text("The hook stopped me.")])
        try run.world.write("""
        {"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"echo blocked-by-test >&2; exit 2"}]}]}}
        """, to: run.world.home + "/.claude/settings.json")

        let result = try run.claudePrint("run the command")

        #expect(result.status == 0, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: run.madeFile), "the denied command ran")
        let output = try result.jsonObject()
        #expect(output["is_error"] as? Bool == false, "\(result)")
        #expect(output["result"] as? String == "The hook stopped me.", "\(result)")
        // Claude Code 2.1.330 lists each denied call in `permission_denials` as
        // {"tool_name": "Bash", "tool_use_id": "<the call's id>", "tool_input": {<the call's input>}}.
        let denials = try #require(output["permission_denials"] as? [[String: Any]], "\(result)")
        #expect(denials.count == 1, "\(result)")
        #expect(denials.first?["tool_name"] as? String == "Bash")
        #expect(denials.first?["tool_use_id"] as? String == "toolu_double_denied")
        #expect((denials.first?["tool_input"] as? [String: Any])?["command"] as? String == Self.command)

        // What the model is told: an error result carrying the hook's stderr, e.g.
        // "PreToolUse:Bash hook error: [echo blocked-by-test >&2; exit 2]: blocked-by-test".
        let toolResult = try #require(try run.double.toolResult(for: "toolu_double_denied"), "no tool_result came back")
        #expect(toolResult.isError, "\(toolResult)")
        #expect(toolResult.text.contains("blocked-by-test"), "\(toolResult)")
    }
}
