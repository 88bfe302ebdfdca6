import Glibc
import RingletHooks
import RingletManifest
import RingletProxy
import RingletSandbox
import RingletSystem
import RingletTerminal
import Synchronization

/// `ringlet run`: the agent on this terminal, inside bubblewrap with the composed policy, the seccomp
/// filter, the resource limits and the egress proxy as its only way out.
enum RunCommand {
    static let command = Command(
        "run", summary: "run an agent in the sandbox on this terminal; its exit status is ringlet's",
        discussion: """
        The agent runs under bubblewrap in new user, PID, IPC, UTS, cgroup and network namespaces, with
        the seccomp filter, the file-system view and the environment `ringlet sandbox explain` shows, and
        the profile's private home as its HOME. Its only way out is 127.0.0.1:3128 inside, bridged to
        this run's egress proxy, which allows exactly the policy's network entries. Memory and process
        limits go to a cgroup when one can be made, else a systemd user scope, else rlimits; the first
        line says which. On a terminal the agent gets a pseudo-terminal of its own (resize and signals
        pass through). Arguments after -- go to the agent.
        """,
        options: PolicyRequest.options + [
            .init("no-sandbox", help: "run the agent directly on the host, with your rights and network (warned)"),
            .init("bwrap-flag", value: "ARG", repeats: true, help: "add ARG to bubblewrap's generated arguments"),
            .init("allow-degraded", help: "run even when a limit cannot be enforced here (printed as DEGRADED)"),
            RunAudit.option,
        ],
        arguments: [.init("ARGS", optional: true, variadic: true, help: "arguments for the agent (after --)")]
    ) { (invocation) throws(CLIError) in
        let composition = try PolicyRequest.compose(invocation)
        guard let agent = composition.agent else {
            throw .usage("ringlet run needs --agent REF or --profile NAME", usage: invocation.usage)
        }
        let searchPath = Environment.value("PATH") ?? "/usr/bin:/bin"
        guard let binary = InstalledAgent.locate(agent.binary.name, searchPath: searchPath) else {
            throw .failed("\(agent.binary.name) is not on PATH; install it: \(agent.binary.installHint ?? "see \(agent.identity.name)'s documentation")")
        }
        if invocation.flag("no-sandbox") && !invocation.all("bwrap-flag").isEmpty {
            throw .usage("--bwrap-flag has no effect with --no-sandbox", usage: invocation.usage)
        }
        do throws(SystemError) {
            try Directory.create(composition.context.profileHome, mode: 0o700)
            for directory in agent.configDirectories { try Directory.create(composition.context.profileHome + "/" + directory, mode: 0o700) }
        } catch {
            throw .failed("cannot prepare the profile's home: \(error)")
        }
        let command = [binary] + agent.arguments.defaults
        let supervisor = Supervisor()
        // On a terminal the agent gets a pseudo-terminal of its own, whose relay also takes the signals;
        // either way they must be blocked before the proxy starts any thread.
        let interactive = !invocation.flag("no-sandbox") && isatty(0) == 1 && isatty(1) == 1
        if interactive {
            TerminalSession.blockSignals()
        } else {
            // Unsandboxed, the agent shares ringlet's process group: a terminal's ^C already reaches it.
            let ownGroup = invocation.flag("no-sandbox")
            TerminationSignals.forward { signal in
                if !(ownGroup && (signal == SIGINT || signal == SIGQUIT)) { supervisor.stop(with: signal) }
            }
        }
        let audit = try RunAudit(invocation, composition: composition, session: RunAudit.sessionIdentifier())
        if let profile = composition.profile {
            try BudgetGate.check(profile, context: invocation.context,
                                 auditLogPath: invocation.value("audit-log").map { PolicyRequest.absolute($0, from: invocation.context.workingDirectory) }
                                     ?? invocation.context.directories.state + "/audit.db",
                                 audit: audit)
        }
        let profileRun = try ProfileRun(composition, agent: agent, context: invocation.context, audit: audit)
        if invocation.flag("no-sandbox") {
            audit.launch(composition, mode: "no-sandbox", limits: "none")
            audit.record("no-sandbox", ["warning": "the agent ran on the host without policy, limits or proxy"])
            let status = try runUnsandboxed(command + profileRun.arguments + invocation.arguments, composition: composition,
                                            profileRun: profileRun, supervisor: supervisor)
            audit.end(status: status.rawValue)
            return status
        }
        do throws(SandboxError) {
            let limits = ResourceLimits(composition.policy)
            let enforcement = try limits.enforcement(allowDegraded: invocation.flag("allow-degraded"))
            let proxy = try startProxy(composition, context: invocation.context, audit: audit)
            defer { proxy.server.stop() }
            let installation = AgentInstallation(binary: binary, searchPath: searchPath, userHome: composition.context.userHome)
            // In the sandbox the agent's own permission prompts are skipped: the sandbox is the boundary.
            let plan = try SandboxPlan(policy: composition.policy, context: composition.context,
                                       command: command + agent.arguments.unattended + profileRun.arguments + invocation.arguments,
                                       hostEnvironment: Environment.all(), proxied: true, installRoots: installation.roots,
                                       newSession: !interactive, extraArguments: invocation.all("bwrap-flag"),
                                       runEnvironment: profileRun.environment, fixedFiles: profileRun.fixedFiles)
            for note in plan.notes { Console.warn(note) }
            let placeholders = try plan.createPlaceholders()
            defer { SandboxPlan.removePlaceholders(placeholders) }
            var listeners = [NetworkBridge.Listener(port: NetworkBridge.proxyPort) { proxy.server.serve(proxy.session, listener: $0) }]
            if let hooks = profileRun.hooks { listeners.append(.init(port: HookService.port) { hooks.serve($0) }) }
            defer { profileRun.hooks?.stop() }
            var settings = SandboxLauncher.Settings(bridge: NetworkBridge(listeners: listeners))
            settings.commandPrefix = enforcement.commandPrefix
            settings.rlimits = enforcement.rlimits
            if case .cgroup = enforcement.mechanism {
                settings.cgroup = try Cgroup.create(name: "run-\(getpid())", memoryBytes: limits.memoryBytes, maxProcesses: limits.maxProcesses)
            }
            defer { settings.cgroup?.remove() }
            let network = composition.policy.network.map(\.pattern.description)
            Console.err("ringlet: \(composition.title); network: \(network.isEmpty ? "none" : network.joined(separator: " ")) through the proxy; limits: \(enforcement.summary)")
            audit.launch(composition, mode: "bwrap", limits: enforcement.summary)
            if !enforcement.degraded.isEmpty { audit.record("degraded", ["not_enforced": enforcement.degraded.joined(separator: "; ")]) }
            let recording = invocation.context.directories.state + "/recordings/\(audit.session).cast"
            let session = interactive ? try terminalSession(settings: &settings, supervisor: supervisor, recording: recording,
                                                            command: (command + invocation.arguments).joined(separator: " "),
                                                            recordsInput: composition.policy.recordsInput?.value == true) : nil
            defer { session?.finish() }
            let status = try SandboxLauncher.run(plan, settings: settings) { pid in supervisor.started(pid) }
            session?.finish()
            if settings.cgroup?.memoryLimitWasHit == true {
                Console.err("ringlet: the sandbox reached its memory limit; the kernel stopped what went over it")
            }
            audit.end(status: status)
            return ExitCode(rawValue: status)
        } catch {
            // Stopped while starting: the sandbox was killed on purpose, not broken.
            if let signal = supervisor.stopSignal {
                audit.end(status: 128 + signal)
                return ExitCode(rawValue: 128 + signal)
            }
            audit.record("session", ["event": "failed", "error": error.description])
            audit.log.flush()
            throw .failed(error.description)
        }
    }

    /// The agent's own pseudo-terminal, sized like this one, relayed (raw) and recorded until the run ends.
    static func terminalSession(settings: inout SandboxLauncher.Settings, supervisor: Supervisor, recording: String,
                                command: String, recordsInput: Bool) throws(SandboxError) -> TerminalSession {
        do throws(TerminalError) {
            let size = WindowSize.of(0)
            let terminal = try PseudoTerminal.open(size: size)
            let recorder = try AsciicastRecorder(path: recording, size: size ?? WindowSize(rows: 24, columns: 80), command: command,
                                                 term: Environment.value("TERM"), recordsInput: recordsInput)
            let session = TerminalSession(terminal: terminal, recorder: recorder)
            try session.start { signal in supervisor.stop(with: signal) }
            settings.terminal = terminal.replicaPath
            return session
        } catch {
            throw .launch("cannot set up the agent's terminal: \(error)")
        }
    }

    /// `--no-sandbox`: the agent as the user would start it, with the profile's HOME, key and model, and
    /// its hooks still judged — by a hook service on the host's loopback, whose port and the host's ringlet
    /// the wiring finds through RINGLET_HOOKS_PORT and RINGLET_DISPATCHER.
    static func runUnsandboxed(_ command: [String], composition: PolicyRequest.Composition, profileRun: ProfileRun,
                               supervisor: Supervisor) throws(CLIError) -> ExitCode {
        Console.err("""
            ringlet: WARNING: --no-sandbox: \(composition.title) runs with your full rights, every file you can \
            reach and an unfiltered network; no policy, limit or proxy applies
            """)
        var environment = Environment.all()
        environment["HOME"] = composition.context.profileHome
        environment.merge(profileRun.environment) { _, run in run }
        if let hooks = profileRun.hooks {
            do throws(HookError) {
                let (listener, port) = try HookService.listenOnLoopback()
                hooks.serve(listener)
                environment["RINGLET_HOOKS_PORT"] = String(port)
            } catch {
                throw .failed("cannot start the hook service: \(error)")
            }
            environment["RINGLET_DISPATCHER"] = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        }
        defer { profileRun.hooks?.stop() }
        var process = Subprocess(command[0], Array(command.dropFirst()), workingDirectory: composition.context.workspace,
                                 environment: environment)
        process.capturesOutput = false
        do throws(SystemError) {
            let pid = try process.start()
            supervisor.started(pid)
            return ExitCode(rawValue: Subprocess.wait(pid))
        } catch {
            throw .failed("cannot start \(command[0]): \(error)")
        }
    }

    /// This run's egress proxy: a session allowing the policy's network entries, logging decisions to the
    /// state folder. Its listener comes later, from inside the sandbox (`NetworkBridge`).
    static func startProxy(_ composition: PolicyRequest.Composition, context: CLIContext,
                           audit: RunAudit) throws(SandboxError) -> (server: ProxyServer, session: ProxySession) {
        let log: DecisionLog
        do throws(SystemError) {
            try Directory.create(context.directories.state, mode: 0o700)
            log = try DecisionLog(path: context.directories.state + "/proxy.jsonl") { audit.proxyDecision($0) }
        } catch {
            throw .launch("cannot open the proxy's decision log: \(error)")
        }
        return (ProxyServer(log: log), ProxySession(id: "run-\(getpid())", allow: composition.policy.network.map(\.pattern)))
    }
}

/// Who gets a termination signal sent to `ringlet run`: the sandbox (bwrap, whose death takes the
/// whole sandbox with it), or, before it exists, nobody yet — it is then stopped the moment it starts.
final class Supervisor: Sendable {
    private let state = Mutex<(pid: pid_t?, pending: Int32?, stopped: Int32?)>((nil, nil, nil))

    func started(_ pid: pid_t) {
        let pending = state.withLock { state in
            state.pid = pid
            return state.pending
        }
        if let pending { kill(pid, pending) }
    }

    /// The termination signal received, if any.
    var stopSignal: Int32? { state.withLock { $0.stopped } }

    func stop(with signal: Int32) {
        let pid = state.withLock { state in
            if state.pid == nil { state.pending = signal }
            state.stopped = signal
            return state.pid
        }
        if let pid { kill(pid, signal) }
    }
}
