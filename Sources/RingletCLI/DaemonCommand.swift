import Glibc
import RingletAudit
import RingletDaemon
import RingletPolicy
import RingletProfile
import RingletSystem

/// `ringlet daemon`: the HTTP API and WebSocket sessions on one address, until SIGTERM or ^C. With
/// `--stay-alive` it starts itself again detached from this terminal (its output in the daemon log) and
/// returns once that copy listens.
enum DaemonCommand {
    static var command: Command {
        Command(
            "daemon", summary: "serve the HTTP API and terminal sessions (status, stop, rotate-token, token)",
            discussion: """
            Listens on 127.0.0.1:8765 unless --listen says otherwise; every request needs the bearer token from
            ~/.config/ringlet/http_token (`ringlet daemon token` prints it). Sessions run in session hosts of their
            own: stopping or killing the daemon leaves them running, and the next daemon finds them again.
            Without TLS on an address other than loopback the token crosses the network in clear: give
            --tls-cert and --tls-key, or put a TLS reverse proxy in front.
            """,
            options: [
                .init("listen", value: "ADDR:PORT", help: "where to listen (default 127.0.0.1:8765; [::1]:PORT for IPv6; port 0 picks one)"),
                .init("tls-cert", value: "PEM", help: "serve HTTPS with this certificate chain"),
                .init("tls-key", value: "PEM", help: "the certificate's private key"),
                .init("max-sessions", value: "N", help: "running sessions at most; more are refused with 429 (default 32)"),
                .init("idle-timeout", value: "AGE", help: "end a session with no input and no output for AGE, e.g. 4h (default: never)"),
                .init("replay-bytes", value: "N", help: "output replayed to a client that attaches (default 1048576)"),
                .init("keep-exited", value: "AGE", help: "how long an ended session stays listed with its exit code (default 10m; 0s removes it at once)"),
                .init("web-root", value: "DIR", help: "serve the dashboard from DIR (default: $RINGLET_WEB_ROOT, ~/.local/share/ringlet/web, the build's .build/web)"),
                .init("allow-origin", value: "ORIGIN", repeats: true, help: "also answer browser pages from ORIGIN (https://host[:port]), e.g. behind a proxy that rewrites Host"),
                .init("stay-alive", help: "detach from this terminal and keep serving after it closes"),
                RunAudit.option,
            ],
            subcommands: [DaemonControl.status, DaemonControl.stop, DaemonControl.rotateToken, DaemonControl.token, ServiceUnit.command],
            action: serve)
    }

    static let detachedVariable = "RINGLET_DAEMON_DETACHED"

    static func serve(_ invocation: Invocation) throws(CLIError) -> ExitCode {
        let directories = invocation.context.directories
        if let running = DaemonRecord.running(runtimeDirectory: directories.runtime) {
            throw .failed("a daemon already runs (pid \(running.pid), \(running.url)); `ringlet daemon stop` ends it")
        }
        let listen = invocation.value("listen") ?? "127.0.0.1:8765"
        let settings = try settings(invocation, listen: listen)
        if invocation.flag("stay-alive") && Environment.value(detachedVariable) == nil {
            return try detach(invocation)
        }
        let auditPath = invocation.value("audit-log").map { PolicyRequest.absolute($0, from: invocation.context.workingDirectory) }
        let audit = try AuditTrail.open(invocation.context, path: auditPath)
        defer { audit.close() }
        let launcher = SessionLauncher(executable: FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0], directories: directories,
                                       auditLog: auditPath, idleTimeout: try seconds(invocation, "idle-timeout", minimum: 1),
                                       replayBytes: try invocation.integer("replay-bytes").map { value throws(CLIError) in
                                           guard (1024...(256 << 20)).contains(value) else {
                                               throw .usage("--replay-bytes must be from 1024 to 268435456", usage: invocation.usage)
                                           }
                                           return value
                                       },
                                       linger: try seconds(invocation, "keep-exited", minimum: 0))
        let backend = LocalDaemonBackend(context: invocation.context, launcher: launcher, audit: audit)

        // Signals are blocked before the loop or any worker thread exists, then taken by one thread.
        let loop: EventLoop
        do throws(SystemError) { loop = try EventLoop() } catch { throw .failed("cannot start the daemon's event loop: \(error)") }
        let service: DaemonService
        do throws(DaemonError) {
            service = try DaemonService(settings: settings, backend: backend, loop: loop)
        } catch {
            throw .failed(error.description)
        }
        TerminationSignals.forward { signal in
            loop.execute {
                service.close()
                loop.stop()
            }
        }
        let record = DaemonRecord(pid: getpid(), listen: service.boundAddress, url: url(for: service.boundAddress, tls: settings.tls != nil),
                                  started: AuditTime.iso8601(AuditTime.now()), version: RingletCommand.version)
        do throws(DaemonError) { try record.write(runtimeDirectory: directories.runtime) } catch { throw .failed(error.description) }
        defer { DaemonRecord.remove(runtimeDirectory: directories.runtime, pid: getpid()) }
        if settings.tls == nil && !isLoopback(service.boundAddress) {
            Console.warn("listening on \(service.boundAddress) without TLS: the token and every keystroke cross the network in clear; use --tls-cert/--tls-key or a TLS reverse proxy")
        }
        AuditTrail.record(audit, "daemon", ["event": "start", "listen": service.boundAddress, "tls": settings.tls == nil ? "no" : "yes"])
        Console.err("ringlet: daemon listening on \(record.url) (pid \(record.pid)); token in \(directories.config)/\(DaemonToken.fileName)")
        if let root = service.dashboardRoot {
            Console.err("ringlet: dashboard at \(record.url)/ (from \(root))")
        } else {
            Console.err("ringlet: no dashboard (run scripts/build-web, or give --web-root DIR); the API works without it")
        }
        loop.run()
        AuditTrail.record(audit, "daemon", ["event": "stop"])
        Console.err("ringlet: daemon stopped; sessions keep running")
        return .success
    }

    private static func settings(_ invocation: Invocation, listen: String) throws(CLIError) -> DaemonService.Settings {
        let directories = invocation.context.directories
        var settings = DaemonService.Settings(configDirectory: directories.config, runtimeDirectory: directories.runtime,
                                              version: RingletCommand.version)
        settings.listen = listen
        settings.webRoots = webRoots(invocation)
        for origin in invocation.all("allow-origin") {
            guard origin.hasPrefix("http://") || origin.hasPrefix("https://"), !origin.dropFirst(8).contains("/") else {
                throw .usage("--allow-origin takes an origin like https://dev-box.example.com[:PORT], without a path, not '\(origin)'", usage: invocation.usage)
            }
            settings.allowedOrigins.insert(origin)
        }
        if let maximum = try invocation.integer("max-sessions") {
            guard (1...10_000).contains(maximum) else { throw .usage("--max-sessions must be from 1 to 10000", usage: invocation.usage) }
            settings.maxSessions = maximum
        }
        switch (invocation.value("tls-cert"), invocation.value("tls-key")) {
        case (nil, nil):
            break
        case let (certificate?, key?):
            let directory = invocation.context.workingDirectory
            do throws(DaemonError) {
                settings.tls = try ServerTLS(certificate: PolicyRequest.absolute(certificate, from: directory),
                                             key: PolicyRequest.absolute(key, from: directory))
            } catch {
                throw .invalidInput(error.description)
            }
        default:
            throw .usage("--tls-cert and --tls-key go together", usage: invocation.usage)
        }
        return settings
    }

    /// Where the dashboard may be: the option, the environment, the data folder (an installed copy), and the
    /// `.build/web` that `scripts/build-web` writes next to the build this binary came from.
    static func webRoots(_ invocation: Invocation) -> [String] {
        if let root = invocation.value("web-root") { return [PolicyRequest.absolute(root, from: invocation.context.workingDirectory)] }
        var roots: [String] = []
        if let root = Environment.value("RINGLET_WEB_ROOT"), root.hasPrefix("/") { roots.append(root) }
        roots.append(invocation.context.directories.data + "/web")
        // .build/<triple>/<configuration>/ringlet → .build/web
        if let binary = FileStatus.realPath("/proc/self/exe") {
            roots.append(PathResolver.parent(of: PathResolver.parent(of: PathResolver.parent(of: binary))) + "/web")
        }
        return roots
    }

    /// An age option in whole seconds.
    private static func seconds(_ invocation: Invocation, _ option: String, minimum: Int) throws(CLIError) -> Int? {
        guard let text = invocation.value(option) else { return nil }
        guard let milliseconds = Age.milliseconds(text), milliseconds / 1000 >= minimum else {
            throw .usage("--\(option) takes an age like 30m, 4h or 1d (at least \(minimum)s), not '\(text)'", usage: invocation.usage)
        }
        return Int(milliseconds / 1000)
    }

    /// Starts this same command again in a session of its own with its output in the daemon log, and
    /// waits until that daemon has written its record (it listens) or has died (its reason is in the log).
    private static func detach(_ invocation: Invocation) throws(CLIError) -> ExitCode {
        let directories = invocation.context.directories
        let log = DaemonLog(directories)
        let pid: pid_t
        do throws(SystemError) {
            let output = try log.openForAppending()
            defer { output.close() }
            var daemon = Subprocess(FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0], Array(CommandLine.arguments.dropFirst()),
                                    workingDirectory: invocation.context.workingDirectory, environment: [detachedVariable: "1"])
            daemon.newSession = true
            pid = try daemon.start(output: output)
        } catch {
            throw .failed("cannot start the daemon: \(error)")
        }
        for _ in 0..<600 {
            if let record = DaemonRecord.running(runtimeDirectory: directories.runtime), record.pid == pid {
                Console.err("ringlet: daemon listening on \(record.url) (pid \(pid)); its log is \(log.path); `ringlet daemon stop` ends it")
                return .success
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw .failed("the daemon stopped while starting:\n\(log.lastLines(3))")
            }
            usleep(50_000)
        }
        throw .failed("the daemon (pid \(pid)) did not start listening within 30 s; see \(log.path)")
    }

    /// The base URL a client on this machine uses: a wildcard address is reached through loopback.
    static func url(for address: String, tls: Bool) -> String {
        var host = address
        if host.hasPrefix("0.0.0.0:") { host = "127.0.0.1" + host.dropFirst(7) }
        if host.hasPrefix("[::]:") { host = "[::1]" + host.dropFirst(4) }
        return (tls ? "https://" : "http://") + host
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address.hasPrefix("[::1]:") || address.hasPrefix("localhost:")
    }
}
