import RingletPolicy
import RingletSystem

/// The bubblewrap command line for one run: namespaces, the file-system view the composed policy
/// decides, the exact environment, and the working directory.
///
/// Mounts follow the policy path by path, shallow first so deeper rules land on top: read-write paths
/// are bound writable, read paths read-only, and denied folders are covered by an empty read-only
/// tmpfs (denied files by /dev/null). Paths that do not exist are left alone: nothing is created on
/// the host for them.
public struct SandboxPlan: Sendable {
    /// bwrap's options, handed over through `--args FD`.
    public var options: [String]
    /// What runs inside: the agent and its arguments.
    public var command: [String]
    /// Why the plan had to skip a rule, for the run's first lines (never silent).
    public var notes: [String]

    public init(policy: ComposedPolicy, context: PolicyContext, command: [String],
                hostEnvironment: [String: String], proxied: Bool = false) throws(SandboxError) {
        guard policy.decide(path: "/").canRead else {
            throw .unsupported("a policy without a readable host root (base: none) cannot run yet; add ro:/ or drop base: none")
        }
        var arguments = [
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
            "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run",
        ]
        var notes: [String] = []
        // Read-only remounts come last: an exception inside a denied folder (this profile's home in the
        // homes folder, known_hosts in ~/.ssh) needs its mount point made while the tmpfs is writable.
        var remounts: [String] = []
        let paths = Set(policy.fileReport.map(\.rule.path)).filter { $0 != "/" }
            .sorted { (PathResolver.depth($0), $0) < (PathResolver.depth($1), $1) }
        for path in paths {
            let status = FileStatus.of(path)
            guard status.exists else { continue }
            switch policy.decide(path: path).access {
            case .write:
                arguments += ["--bind", path, path]
            case .read:
                arguments += ["--ro-bind", path, path]
            case .none:
                if status == .directory {
                    arguments += ["--tmpfs", path]
                    remounts += ["--remount-ro", path]
                } else if case .file = status {
                    arguments += ["--ro-bind", "/dev/null", path]
                } else {
                    notes.append("\(path) is neither a file nor a folder; it is left as the host has it")
                }
            }
        }
        arguments += remounts + ["--clearenv"]
        for (name, value) in SandboxPlan.environment(policy: policy, context: context, host: hostEnvironment)
            + (proxied ? NetworkBridge.environment : []) {
            arguments += ["--setenv", name, value]
        }
        arguments += ["--chdir", context.workspace]
        options = arguments
        self.command = command
        self.notes = notes
    }

    /// Exactly the composed environment: pass-through names the host has, settings, and HOME set to the
    /// profile's private home.
    static func environment(policy: ComposedPolicy, context: PolicyContext, host: [String: String]) -> [(String, String)] {
        var result: [String: String] = [:]
        for (name, value) in host where policy.passes(environment: name) != nil { result[name] = value }
        for setting in policy.settings { result[setting.name] = setting.value }
        result["HOME"] = context.profileHome
        return result.sorted { $0.key < $1.key }
    }
}
