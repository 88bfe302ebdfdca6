import Foundation
import RingletSandbox
import RingletTestSupport
import Testing

/// What a sandboxed process tree can do to the host over time: exhaust processes or memory, leave
/// something running after the session, or outlive its supervisor. Each case runs the real sandbox.
@Suite struct RunLifecycleTests {
    let workspace: RingletWorkspace
    let project: String

    init() throws {
        workspace = try RingletWorkspace()
        project = try workspace.repository("project")
    }

    func run(_ script: String, _ options: [String] = []) throws -> ProcessResult {
        try workspace.ringlet.run(["run", "--agent", "shell"] + options + ["--", "-c", script], in: project)
    }

    /// Host processes running `sleep MARKER` (ringlet's own command line, which names it too, is not one).
    static func processes(containing marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: line.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).hasPrefix("sleep \(marker)")
        }
    }

    /// Waits (bounded) until no host process holds `marker`; true when they are all gone.
    static func vanish(_ marker: String, within limit: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if processes(containing: marker).isEmpty { return true }
            usleep(20_000)
        }
        return processes(containing: marker).isEmpty
    }

    /// A sleep whose argument marks it: `sleep 1000.<random>` lasts as long and is found by its line.
    static func marker() -> String { "1000.\(UInt32.random(in: 100_000 ... 999_999))" }

    /// Forks until the kernel refuses; prints how many it got and the errno, then cleans up.
    static let forkBomb = """
        python3 -c '
        import os, time
        children = []
        try:
            while len(children) < 2000:
                pid = os.fork()
                if pid == 0:
                    time.sleep(60)
                    os._exit(0)
                children.append(pid)
        except OSError as error:
            print("refused after", len(children), error.errno)
        for pid in children:
            os.kill(pid, 9)
        '
        """

    @Test(.enabled(if: Cgroup.available() != nil, "needs a writable cgroup (root on this kind of machine)"))
    func aForkBombStopsAtTheProcessLimit() throws {
        let result = try run(Self.forkBomb, ["--max-pids", "40"])
        #expect(result.status == 0, "\(result)")
        let words = result.stdout.split(separator: " ")
        #expect(words.first == "refused", "\(result)")
        #expect((Int(words.dropFirst(2).first ?? "") ?? 999) < 40, "more processes than the limit: \(result)")
        #expect(result.stdout.hasSuffix(" \(EAGAIN)\n"), "\(result)")
        #expect(result.stderr.contains("limits: cgroup"), "the first line says which mechanism holds: \(result)")
        // The host still starts processes.
        #expect(try ProcessRunner.run("/bin/true", []).status == 0)
    }

    @Test(.enabled(if: Cgroup.available() != nil, "needs a writable cgroup (root on this kind of machine)"))
    func aMemoryHogIsKilledInsideItsLimit() throws {
        let result = try run("python3 -c 'b = bytearray(1 << 30); print(\"allocated\")'; echo \"status $?\"", ["--memory", "96M"])
        #expect(result.stdout == "status 137\n", "killed by the kernel inside the sandbox: \(result)")
        #expect(result.stderr.contains("reached its memory limit"), "\(result)")
    }

    @Test func perProcessLimitsHoldInside() throws {
        let result = try run("ulimit -n; ulimit -t; ulimit -c", ["--max-fds", "64", "--cpu", "7s"])
        #expect(result.stdout == "64\n7\n0\n", "\(result)")
        #expect(result.stderr.contains("rlimits (core 0, cpu 7s, fds 64)"), "\(result)")
    }

    @Test func nothingSurvivesTheSession() throws {
        let marker = Self.marker()
        let result = try run("setsid nohup sleep \(marker) >/dev/null 2>&1 & sleep 0.2; echo left")
        #expect(result.stdout == "left\n", "\(result)")
        #expect(Self.vanish(marker), "a detached process outlived the session")
    }

    @Test func killingTheSupervisorEndsTheWholeTree() throws {
        let marker = Self.marker()
        let running = try workspace.ringlet.startInBackground(["run", "--agent", "shell", "--", "-c", "sleep \(marker); echo never"], in: project)
        defer { running.forceStop() }
        let deadline = ContinuousClock.now + .seconds(60)
        while Self.processes(containing: marker).isEmpty && ContinuousClock.now < deadline { usleep(20_000) }
        try #require(!Self.processes(containing: marker).isEmpty, "the sandbox never started: \(running.stderrSoFar)")
        let killed = ContinuousClock.now
        running.signal(SIGKILL)
        #expect(Self.vanish(marker), "the agent outlived its supervisor")
        // bwrap's --die-with-parent acts at once; the figure is shown, not asserted (timing is the
        // benchmark's business).
        print("sandbox gone \(ContinuousClock.now - killed) after the supervisor was killed")
    }

    @Test func aTerminationSignalStopsTheSandboxAndCleansUp() throws {
        let marker = Self.marker()
        try FileManager.default.removeItem(atPath: project + "/.git/hooks")
        let running = try workspace.ringlet.startInBackground(["run", "--agent", "shell", "--", "-c", "sleep \(marker)"], in: project)
        defer { running.forceStop() }
        let deadline = ContinuousClock.now + .seconds(60)
        while Self.processes(containing: marker).isEmpty && ContinuousClock.now < deadline { usleep(20_000) }
        try #require(!Self.processes(containing: marker).isEmpty, "the sandbox never started: \(running.stderrSoFar)")
        running.signal(SIGTERM)
        let result = try #require(running.waitForExit())
        #expect(result.status == 128 + SIGTERM, "\(result)")
        #expect(Self.vanish(marker))
        #expect(!FileManager.default.fileExists(atPath: project + "/.git/hooks"), "the placeholder was removed")
    }

    @Test func bwrapFlagsAddToTheGeneratedArguments() throws {
        let result = try run("echo \"$PROBE\"; cat ~/.ssh/id_rsa", ["--bwrap-flag", "--setenv", "--bwrap-flag", "PROBE", "--bwrap-flag", "added"])
        #expect(result.stdout == "added\n", "\(result)")
        #expect(result.status != 0, "the generated protections stay: \(result)")
    }

    @Test func noSandboxWarnsAndRunsOnTheHost() throws {
        let marker = try workspace.write("host-only.txt", "on the host\n")
        let result = try run("cat \(marker); echo \"$HOME\"", ["--no-sandbox"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("WARNING: --no-sandbox"), "\(result)")
        #expect(result.stdout == "on the host\n\(workspace.home)/data/homes/shell\n", "\(result)")
    }
}
