import Foundation
import RingletHooks
import RingletTestSupport
import Testing

/// The hook contract, with real processes: every matching hook runs in order, exit 0 allows, anything
/// else — a non-zero exit, a timeout, a hook that cannot start — denies, and stderr is the reason.
@Suite struct HookRunnerTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("ringlet-hooks")
    }

    func runner(_ hooks: [HookDefinition]) -> HookRunner {
        HookRunner(hooks: hooks, profile: "work", session: "s-1", workspace: folder.path)
    }

    func bash(_ command: String) throws -> ToolEvent {
        try ToolEvent.made(tool: "Bash", input: "{\"command\": \"\(command)\", \"timeout\": 5}")
    }

    @Test func exitZeroAllowsAndAnythingElseDeniesWithStderrAsTheReason() throws {
        let verdict = runner([
            .init(name: "allow", command: .shell("exit 0")),
            .init(name: "deny", command: .shell("echo 'not here' >&2; exit 3")),
        ]).evaluate(try bash("ls"))
        #expect(!verdict.allowed)
        #expect(verdict.outcomes.map(\.allowed) == [true, false])
        #expect(verdict.outcomes[1].status == 3)
        #expect(verdict.reason == "deny: not here")
    }

    @Test func everyMatchingHookRunsEvenAfterADenial() throws {
        let log = folder.file("ran")
        let verdict = runner([
            .init(name: "first", command: .shell("echo first >> \(log); exit 1")),
            .init(name: "second", command: .shell("echo second >> \(log)")),
            .init(name: "edits-only", command: .shell("echo edit >> \(log)"), match: "Edit"),
        ]).evaluate(try bash("ls"))
        #expect(!verdict.allowed)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "first\nsecond\n")
        #expect(verdict.outcomes.map(\.hook) == ["first", "second"])
    }

    @Test func aToolNoHookMatchesIsAllowed() throws {
        let verdict = runner([.init(name: "mcp", command: .shell("exit 1"), match: "mcp__*")]).evaluate(try bash("ls"))
        #expect(verdict.allowed && verdict.outcomes.isEmpty)
        let mcp = runner([.init(name: "mcp", command: .shell("exit 1"), match: "mcp__*")])
            .evaluate(try ToolEvent.made(tool: "mcp__github__push", input: "{}"))
        #expect(!mcp.allowed)
    }

    @Test func aHookThatHangsIsDeniedAtItsTimeout() throws {
        let verdict = runner([.init(name: "slow", command: .shell("sleep 30"), timeout: .milliseconds(300))]).evaluate(try bash("ls"))
        #expect(!verdict.allowed)
        #expect(verdict.outcomes[0].status == nil)
        #expect(verdict.outcomes[0].reason.contains("no answer within"), "\(verdict)")
    }

    @Test func aHookThatCannotStartDenies() throws {
        let verdict = runner([.init(name: "gone", command: .script(folder.file("missing.sh")))]).evaluate(try bash("ls"))
        #expect(!verdict.allowed)
        #expect(verdict.outcomes[0].reason.contains("could not run"), "\(verdict)")
    }

    @Test func theHookSeesTheToolTheProfileTheSessionAndTheEvent() throws {
        let output = folder.file("seen")
        let script = """
            printf '%s|%s|%s|%s|%s\\n' "$RINGLET_TOOL_NAME" "$RINGLET_TOOL_INPUT" "$RINGLET_PROFILE" "$RINGLET_SESSION" "$PWD" > \(output)
            cat >> \(output)
            """
        _ = runner([.init(name: "look", command: .shell(script))]).evaluate(try bash("git status"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        let real = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
        #expect(lines.first == "Bash|{\"command\":\"git status\",\"timeout\":5}|work|s-1|\(real)", "\(lines)")
        #expect(lines.last?.contains("\"hook_event_name\":\"PreToolUse\"") == true, "the event is on stdin: \(lines)")
    }

    @Test func anEventThatIsNotJSONIsRefused() {
        #expect(throws: HookError.self) { try ToolEvent(parsing: Array("rm -rf /".utf8)) }
        #expect(throws: HookError.self) { try ToolEvent(parsing: Array("{\"tool_input\": {}}".utf8)) }
    }
}
