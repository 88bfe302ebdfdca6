import Glibc
import RingletHooks
import RingletSystem

/// Hook dispatch overhead per tool call: `ringlet hooks dispatch` started the way an agent's hook
/// wiring starts it, carrying one event to a hook service with no hooks (so the hooks' own work is
/// excluded), against the target of 10 ms median; `ringlet --version` is shown as the floor any
/// ringlet process pays, and `true` as a process start at all.
enum HookDispatchBenchmark {
    static func measure(rounds: Int) {
        let benchPath = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let ringlet = String(benchPath[..<(benchPath.lastIndex(of: "/") ?? benchPath.startIndex)]) + "/ringlet"
        guard FileStatus.of(ringlet).exists else { fail("\(ringlet) not found; build the ringlet product first") }
        let service = HookService(runner: HookRunner(hooks: [], profile: "bench", session: "bench", workspace: "/"), log: nil)
        let listening: (listener: FileDescriptor, port: UInt16)
        do throws(HookError) { listening = try HookService.listenOnLoopback() } catch { fail("\(error)") }
        service.serve(listening.listener)
        defer { service.stop() }
        let event = Array(#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls -la"}}"#.utf8)

        var dispatch = Subprocess(ringlet, ["hooks", "dispatch", "--profile", "bench"], environment: ["RINGLET_HOOKS_PORT": String(listening.port)])
        let candidates: [(String, () -> Duration)] = [
            ("ringlet hooks dispatch (event in, verdict out)", {
                guard let input = try? FileDescriptor.anonymousFile(named: "bench-event", holding: event) else { fail("memfd_create failed") }
                dispatch.passing = [0: input]
                return runTimed(dispatch)
            }),
            ("ringlet --version (a ringlet process start)", { runTimed(ringlet, ["--version"]) }),
            ("true (a process start)", { runTimed("true", []) }),
        ]
        print("hook dispatch benchmark: \(rounds) rounds, candidates interleaved")
        for (_, run) in candidates { _ = run() }
        var samples = Array(repeating: [Duration](), count: candidates.count)
        for _ in 0 ..< rounds { for (index, candidate) in candidates.enumerated() { samples[index].append(candidate.1()) } }
        for (candidate, times) in zip(candidates, samples) { print("\(candidate.0): median \(milliseconds(median(times)))") }
        let dispatchMedian = seconds(median(samples[0])) * 1000
        print("dispatch median \(twoDecimals(dispatchMedian)) ms (target < 10 ms: \(dispatchMedian < 10 ? "met" : "not met"))")
    }
}
