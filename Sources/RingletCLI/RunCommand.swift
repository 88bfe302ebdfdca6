import Glibc
import RingletManifest
import RingletSandbox
import RingletSystem

/// `ringlet run`: the agent on this terminal, inside bubblewrap with the composed policy and the
/// seccomp filter.
enum RunCommand {
    static let command = Command(
        "run", summary: "run an agent in the sandbox on this terminal; its exit status is ringlet's",
        discussion: """
        The agent runs under bubblewrap in new user, PID, IPC, UTS, cgroup and network namespaces, with
        the seccomp filter, the file-system view and the environment `ringlet sandbox explain` shows, its
        HOME in the profile's private home. Arguments after -- go to the agent. Not yet: the network
        bridge to the egress proxy (the sandbox has no network at all for now) and resource limits.
        """,
        options: PolicyRequest.options,
        arguments: [.init("ARGS", optional: true, variadic: true, help: "arguments for the agent (after --)")]
    ) { (invocation) throws(CLIError) in
        let composition = try PolicyRequest.compose(invocation)
        guard let agent = composition.agent else {
            throw .usage("ringlet run needs --agent REF or --profile NAME", usage: invocation.usage)
        }
        guard let binary = InstalledAgent.locate(agent.binary.name, searchPath: Environment.value("PATH") ?? "/usr/bin:/bin") else {
            throw .failed("\(agent.binary.name) is not on PATH; install it: \(agent.binary.installHint ?? "see \(agent.identity.name)'s documentation")")
        }
        do throws(SystemError) {
            try Directory.create(composition.context.profileHome, mode: 0o700)
            for directory in agent.configDirectories { try Directory.create(composition.context.profileHome + "/" + directory, mode: 0o700) }
        } catch {
            throw .failed("cannot prepare the profile's home: \(error)")
        }
        var host: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") { host[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]) }
            entry += 1
        }
        do throws(SandboxError) {
            let plan = try SandboxPlan(policy: composition.policy, context: composition.context,
                                       command: [binary] + agent.arguments.defaults + invocation.arguments, hostEnvironment: host)
            for note in plan.notes { Console.warn(note) }
            Console.err("ringlet: \(composition.title); network: none (the proxy bridge is not wired yet); limits: not enforced yet")
            let status = try SandboxLauncher.run(plan)
            return ExitCode(rawValue: status)
        } catch {
            throw .failed(error.description)
        }
    }
}
