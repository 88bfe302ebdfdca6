import RingletSandbox
import Testing

/// How limits are enforced, per mechanism. The cgroup itself is proven by RunSandboxTests (a fork bomb
/// and a memory hog in a real sandbox); here, what each mechanism is asked to do, and the degraded rule.
@Suite struct ResourceLimitsTests {
    let limits = ResourceLimits(memoryBytes: 512 << 20, cpuSeconds: 90, maxFileDescriptors: 1024, maxProcesses: 64)

    @Test func aCgroupTakesMemoryAndProcessesAndRlimitsTheRest() throws {
        let enforcement = try limits.enforcement(allowDegraded: false, userID: 0, available: .cgroup(.v1))
        #expect(enforcement.commandPrefix.isEmpty)
        #expect(enforcement.rlimits.map(\.description) == ["core=0", "cpu=90", "nofile=1024"])
        #expect(enforcement.summary == "cgroup v1 (memory 512M, pids 64) + rlimits (core 0, cpu 90s, fds 1024)")
        #expect(enforcement.degraded.isEmpty)
    }

    @Test func aSystemdScopeWrapsBubblewrap() throws {
        let enforcement = try limits.enforcement(allowDegraded: false, userID: 1000, available: .systemdScope)
        #expect(enforcement.commandPrefix.prefix(5) == ["systemd-run", "--user", "--scope", "--quiet", "--collect"])
        #expect(enforcement.commandPrefix.contains("MemoryMax=\(512 << 20)") && enforcement.commandPrefix.contains("TasksMax=64"))
        #expect(enforcement.commandPrefix.last == "--")
        #expect(enforcement.rlimits.map(\.description) == ["core=0", "cpu=90", "nofile=1024"])
    }

    @Test func rlimitsForANormalUser() throws {
        let enforcement = try limits.enforcement(allowDegraded: false, userID: 1000, available: .rlimits)
        #expect(enforcement.rlimits.map(\.description) == ["core=0", "cpu=90", "nofile=1024", "data=\(512 << 20)", "nproc=64"])
        #expect(enforcement.summary.contains("pids 64 for your user"))
    }

    @Test func rootWithoutACgroupCannotLimitProcessesUnlessDegradedIsAllowed() throws {
        #expect(throws: SandboxError.self) { try limits.enforcement(allowDegraded: false, userID: 0, available: .rlimits) }
        let enforcement = try limits.enforcement(allowDegraded: true, userID: 0, available: .rlimits)
        #expect(!enforcement.rlimits.contains { $0.name == "nproc" })
        #expect(enforcement.degraded.count == 1)
        #expect(enforcement.summary.contains("DEGRADED, not enforced: pids 64"), "\(enforcement.summary)")
    }

    @Test func withoutTreeLimitsNothingIsDetectedOrDegraded() throws {
        let enforcement = try ResourceLimits(cpuSeconds: 5).enforcement(allowDegraded: false, userID: 0)
        #expect(enforcement.mechanism == .rlimits)
        #expect(enforcement.rlimits.map(\.description) == ["core=0", "cpu=5"])
    }
}
