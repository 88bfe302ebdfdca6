import Glibc
import RingletHooks
import RingletSystem
import RingletTestSupport
import Testing

/// The trusted side and the dispatcher's client over a real loopback socket, with the record it keeps.
@Suite(.serialized) struct HookServiceTests {
    @Test func theServiceJudgesRecordsAndAnswers() throws {
        let folder = try TemporaryDirectory("ringlet-hook-service")
        let runner = HookRunner(hooks: [.init(name: "no-rm", command: .shell("grep -q 'rm -rf' && { echo 'no rm -rf' >&2; exit 1; } || exit 0"))],
                                profile: "work", session: "s-2", workspace: folder.path)
        let log = try HookDecisionLog(path: folder.file("hooks.jsonl"))
        let service = HookService(runner: runner, log: log)
        let (listener, port) = try HookService.listenOnLoopback()
        service.serve(listener)
        defer { service.stop() }

        let denied = try HookClient.ask(Array("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf /\"}}".utf8), port: port)
        #expect(!denied.allowed && denied.reason == "no-rm: no rm -rf")
        let allowed = try HookClient.ask(Array("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}".utf8), port: port)
        #expect(allowed.allowed)
        let garbage = try HookClient.ask(Array("not json".utf8), port: port)
        #expect(!garbage.allowed, "an event that cannot be read is denied")

        let lines = try folder.read("hooks.jsonl").split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(lines[0].contains("\"verdict\":\"deny\"") && lines[0].contains("\"tool\":\"Bash\"") && lines[0].contains("\"session\":\"s-2\""))
        #expect(lines[1].contains("\"verdict\":\"allow\""))
    }

    @Test func noServiceMeansNoVerdict() throws {
        let (listener, port) = try HookService.listenOnLoopback()
        listener.close()
        #expect(throws: HookError.self) { try HookClient.ask(Array("{\"tool_name\":\"Bash\"}".utf8), port: port) }
    }
}
