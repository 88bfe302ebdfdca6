import Glibc
import RingletAPI
import RingletDaemon
import RingletRemote
import RingletSystem

/// `ringlet daemon status|stop|rotate-token|token`: the running daemon found through its record in the
/// runtime directory, stopped with SIGTERM (its sessions keep running in their own hosts), and its token
/// replaced or shown.
enum DaemonControl {
    static let status = Command(
        "status", summary: "whether the daemon runs, where it listens, and how many sessions it has",
        discussion: "Exit status 0 when it runs, 1 when it does not.",
        options: [Command.jsonOption]
    ) { (invocation) throws(CLIError) in
        guard let record = DaemonRecord.running(runtimeDirectory: invocation.context.directories.runtime) else {
            if invocation.json { try JSONOutput.print(["running": false]) } else { Console.out("the daemon is not running; start it with `ringlet daemon`") }
            return .failure
        }
        let health = Self.health(record, configDirectory: invocation.context.directories.config)
        if invocation.json {
            struct Status: Encodable { var running = true, pid: Int32, url: String, started: String, version: String, health: HealthReport? }
            try JSONOutput.print(Status(pid: record.pid, url: record.url, started: record.started, version: record.version, health: health))
            return .success
        }
        Console.out("running: pid \(record.pid), \(record.url), since \(record.started), ringlet \(record.version)")
        if let health {
            Console.out("sessions: \(health.sessions), up \(SessionSummary.uptimeText(health.uptimeSeconds))")
        } else {
            Console.out("it does not answer /health with the token in \(invocation.context.directories.config)/\(DaemonToken.fileName)")
        }
        return .success
    }

    static let stop = Command(
        "stop", summary: "stop the daemon; sessions keep running and a new daemon finds them again",
        discussion: "Sends SIGTERM and waits up to 10 s for it to leave; attached clients see their connections close."
    ) { (invocation) throws(CLIError) in
        guard let record = DaemonRecord.running(runtimeDirectory: invocation.context.directories.runtime) else {
            Console.out("the daemon is not running")
            return .success
        }
        guard kill(record.pid, SIGTERM) == 0 else {
            throw .failed("cannot stop the daemon (pid \(record.pid)): \(SystemError.text(errno))")
        }
        for _ in 0..<200 {
            if !DaemonRecord.isAlive(record.pid) {
                Console.out("stopped the daemon (pid \(record.pid)); sessions keep running")
                return .success
            }
            usleep(50_000)
        }
        throw .failed("the daemon (pid \(record.pid)) did not stop within 10 s; `kill -9 \(record.pid)` ends it (sessions survive)")
    }

    static let rotateToken = Command(
        "rotate-token", summary: "replace the daemon's bearer token",
        discussion: """
        The new token is written to ~/.config/ringlet/http_token (0600). A running daemon picks it up within
        a second: requests with the old token fail from then on, and clients attached with it are
        disconnected. Remotes on other machines need `ringlet remotes add NAME --url URL --token NEW --force`.
        """,
        options: [.init("show", help: "print the new token on stdout"), RunAudit.option]
    ) { (invocation) throws(CLIError) in
        let config = invocation.context.directories.config
        let token: DaemonToken
        do throws(DaemonError) { token = try DaemonToken.rotate(configDirectory: config) } catch { throw .failed(error.description) }
        let log = try AuditTrail.open(invocation.context, path: invocation.value("audit-log").map { PolicyRequest.absolute($0, from: invocation.context.workingDirectory) })
        AuditTrail.record(log, "token", ["event": "rotated", "file": config + "/" + DaemonToken.fileName])
        if invocation.flag("show") { Console.out(token.value) } else { Console.out("rotated the daemon token; it is in \(config)/\(DaemonToken.fileName)") }
        return .success
    }

    static let token = Command(
        "token", summary: "print the daemon's bearer token (made on first use)",
        discussion: "For `ringlet remotes add NAME --url URL --token-stdin` on another machine, or the dashboard's token dialog."
    ) { (invocation) throws(CLIError) in
        do throws(DaemonError) {
            Console.out(try DaemonToken.loadOrCreate(configDirectory: invocation.context.directories.config).value)
        } catch {
            throw .failed(error.description)
        }
        return .success
    }

    /// The daemon's own answer to /health, asked with the local token; nil when it does not answer.
    static func health(_ record: DaemonRecord, configDirectory: String) -> HealthReport? {
        guard let token = try? DaemonToken.loadOrCreate(configDirectory: configDirectory),
              let remote = try? Remote(name: "local", url: record.url),
              let api = try? RemoteAPI(remote: remote, token: token.value, client: RemotesCommands.remoteClient)
        else { return nil }
        return try? api.health()
    }
}
