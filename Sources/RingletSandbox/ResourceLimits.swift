import Glibc
import RingletManifest
import RingletPolicy
import RingletSystem

/// The run's resource limits and the strongest way this machine can enforce them.
///
/// Memory and process counts belong to the whole sandbox, so they go to a cgroup when one can be made
/// (`Cgroup`), else to a systemd user scope, else to per-process rlimits (RLIMIT_DATA, RLIMIT_NPROC).
/// CPU time and open files are per-process rlimits in every case, and core dumps are always off. The
/// one limit that can fail to bind at all is the process count under rlimits for root (the kernel
/// exempts root from RLIMIT_NPROC): that is an error unless the user asked for `--allow-degraded`,
/// and then it is printed as degraded, never silent.
public struct ResourceLimits: Sendable, Equatable {
    public var memoryBytes: Int?
    public var cpuSeconds: Int?
    public var maxFileDescriptors: Int?
    public var maxProcesses: Int?

    public init(memoryBytes: Int? = nil, cpuSeconds: Int? = nil, maxFileDescriptors: Int? = nil, maxProcesses: Int? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
        self.maxFileDescriptors = maxFileDescriptors
        self.maxProcesses = maxProcesses
    }

    public init(_ policy: ComposedPolicy) {
        self.init(memoryBytes: policy.memoryBytes?.value, cpuSeconds: policy.cpuMilliseconds.map { max(1, ($0.value + 999) / 1000) },
                  maxFileDescriptors: policy.maxFileDescriptors?.value, maxProcesses: policy.maxProcesses?.value)
    }

    public enum Mechanism: Sendable, Equatable {
        case cgroup(Cgroup.Version)
        case systemdScope
        case rlimits
    }

    /// One rlimit, soft and hard alike, set on the sandbox's first process while bwrap holds it.
    public struct Rlimit: Sendable, Equatable, CustomStringConvertible {
        public var resource: Int32
        public var value: UInt64
        public var name: String

        public var description: String { "\(name)=\(value)" }
    }

    /// How one run enforces its limits.
    public struct Enforcement: Sendable {
        public var mechanism: Mechanism
        /// Put in front of bwrap: `systemd-run --user --scope …` for a scope, else nothing.
        public var commandPrefix: [String]
        public var rlimits: [Rlimit]
        /// Limits that are not enforced (only with `--allow-degraded`).
        public var degraded: [String]
        /// For the run's first line: which mechanism holds which limit.
        public var summary: String
    }

    /// The machine's best mechanism for tree-wide limits, for `ringlet doctor` and the plan.
    public static func bestMechanism(systemdScopeWorks: () -> Bool = ResourceLimits.systemdScopeWorks) -> Mechanism {
        if let (version, _) = Cgroup.available() { return .cgroup(version) }
        return systemdScopeWorks() ? .systemdScope : .rlimits
    }

    /// - Parameter available: the machine's best mechanism; detected (`bestMechanism()`) when nil and needed.
    public func enforcement(allowDegraded: Bool, userID: uid_t = getuid(), available: Mechanism? = nil) throws(SandboxError) -> Enforcement {
        let treeWide = memoryBytes != nil || maxProcesses != nil
        let mechanism = treeWide ? available ?? Self.bestMechanism() : .rlimits
        var rlimits = [Rlimit(resource: Int32(RLIMIT_CORE.rawValue), value: 0, name: "core")]
        var perProcess = ["core 0"]
        if let cpuSeconds {
            rlimits.append(Rlimit(resource: Int32(RLIMIT_CPU.rawValue), value: UInt64(cpuSeconds), name: "cpu"))
            perProcess.append("cpu \(cpuSeconds)s")
        }
        if let maxFileDescriptors {
            rlimits.append(Rlimit(resource: Int32(RLIMIT_NOFILE.rawValue), value: UInt64(maxFileDescriptors), name: "nofile"))
            perProcess.append("fds \(maxFileDescriptors)")
        }
        var treeLimits: [String] = []
        if let memoryBytes { treeLimits.append("memory \(Self.size(memoryBytes))") }
        if let maxProcesses { treeLimits.append("pids \(maxProcesses)") }
        var degraded: [String] = []
        var prefix: [String] = []
        var summary: [String] = []
        switch mechanism {
        case .cgroup(let version):
            summary.append("\(version.rawValue) (\(treeLimits.joined(separator: ", ")))")
        case .systemdScope:
            prefix = ["systemd-run", "--user", "--scope", "--quiet", "--collect"]
            if let memoryBytes { prefix += ["-p", "MemoryMax=\(memoryBytes)", "-p", "MemorySwapMax=0"] }
            if let maxProcesses { prefix += ["-p", "TasksMax=\(maxProcesses)"] }
            prefix.append("--")
            summary.append("systemd user scope (\(treeLimits.joined(separator: ", ")))")
        case .rlimits:
            if let memoryBytes {
                rlimits.append(Rlimit(resource: Int32(RLIMIT_DATA.rawValue), value: UInt64(memoryBytes), name: "data"))
                perProcess.append("memory \(Self.size(memoryBytes)) per process")
            }
            if let maxProcesses {
                if userID == 0 {
                    degraded.append("pids \(maxProcesses) (no usable cgroup or systemd user scope, and RLIMIT_NPROC does not bind root)")
                } else {
                    rlimits.append(Rlimit(resource: Int32(__RLIMIT_NPROC.rawValue), value: UInt64(maxProcesses), name: "nproc"))
                    perProcess.append("pids \(maxProcesses) for your user")
                }
            }
        }
        if !degraded.isEmpty && !allowDegraded {
            throw .limits("""
                cannot enforce \(degraded.joined(separator: "; ")). Run as a normal user, give Ringlet a delegated cgroup \
                (see `ringlet doctor`), or pass --allow-degraded to run without it
                """)
        }
        summary.append("rlimits (\(perProcess.joined(separator: ", ")))")
        if !degraded.isEmpty { summary.append("DEGRADED, not enforced: \(degraded.joined(separator: "; "))") }
        return Enforcement(mechanism: mechanism, commandPrefix: prefix, rlimits: rlimits, degraded: degraded,
                           summary: summary.joined(separator: " + "))
    }

    /// Whether a systemd user manager will make a scope for us (it needs a user bus).
    public static func systemdScopeWorks() -> Bool {
        guard InstalledAgent.locate("systemd-run", searchPath: Environment.value("PATH") ?? "/usr/bin:/bin") != nil else { return false }
        let probe = Subprocess("systemd-run", ["--user", "--scope", "--quiet", "--collect", "--", "true"], timeout: .seconds(10))
        return (try? probe.run())?.status == 0
    }

    static func size(_ bytes: Int) -> String {
        for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes) bytes"
    }
}
