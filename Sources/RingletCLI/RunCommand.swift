import Glibc
import RingletManifest
import RingletProxy
import RingletSandbox
import RingletSystem

/// `ringlet run`: the agent on this terminal, inside bubblewrap with the composed policy and the
/// seccomp filter.
enum RunCommand {
    /// This run's egress proxy: a session allowing the policy's network entries, on a fresh unix socket
    /// in Ringlet's runtime folder, logging decisions to the state folder.
    static func startProxy(_ composition: PolicyRequest.Composition, context: CLIContext) throws(CLIError) -> (server: ProxyServer, socket: String) {
        let id = "run-\(getpid())"
        let socket = context.directories.runtime + "/sessions/\(id).sock"
        let log: DecisionLog
        do throws(SystemError) {
            try Directory.create(context.directories.state, mode: 0o700)
            log = try DecisionLog(path: context.directories.state + "/proxy.jsonl")
        } catch {
            throw .failed("cannot open the proxy's decision log: \(error)")
        }
        let server = ProxyServer(log: log)
        do throws(ProxyError) {
            try server.serve(ProxySession(id: id, allow: composition.policy.network.map(\.pattern)), unixSocket: socket)
        } catch {
            throw .failed("cannot start the egress proxy: \(error)")
        }
        return (server, socket)
    }

    static let command = Command(
        "run", summary: "run an agent in the sandbox on this terminal; its exit status is ringlet's",
        discussion: """
        The agent runs under bubblewrap in new user, PID, IPC, UTS, cgroup and network namespaces, with
        the seccomp filter, the file-system view and the environment `ringlet sandbox explain` shows, its
        HOME in the profile's private home. Its only way out is 127.0.0.1:3128 inside, bridged to this
        run's egress proxy, which allows exactly the policy's network entries. Arguments after -- go to
        the agent. Not yet: resource limits.
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
        let host = Environment.all()
        let proxy = try startProxy(composition, context: invocation.context)
        defer {
            proxy.server.stop()
            unlink(proxy.socket)
        }
        do throws(SandboxError) {
            let plan = try SandboxPlan(policy: composition.policy, context: composition.context,
                                       command: [binary] + agent.arguments.defaults + invocation.arguments, hostEnvironment: host,
                                       proxied: true)
            for note in plan.notes { Console.warn(note) }
            let network = composition.policy.network.map(\.pattern.description)
            Console.err("ringlet: \(composition.title); network: \(network.isEmpty ? "none" : network.joined(separator: " ")) through the proxy; limits: not enforced yet")
            let ringlet = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
            let bridge = NetworkBridge(proxySocket: proxy.socket, command: [ringlet, "sandbox", "bridge", "--socket", proxy.socket])
            let status = try SandboxLauncher.run(plan, bridge: bridge)
            return ExitCode(rawValue: status)
        } catch {
            throw .failed(error.description)
        }
    }
}
