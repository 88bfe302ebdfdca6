import CRingletShim
import Glibc
import RingletSystem

/// Starts one daemon session: a `ringlet session-host` in a session of its own, so it outlives the daemon
/// that started it, running `ringlet profiles run PROFILE` on its pseudo-terminal. The agent therefore
/// gets exactly what a run from a terminal gets (the sandbox, the proxy, the hooks, the audit events and
/// the recording), under the session's id. The host signals readiness on a pipe once its socket
/// listens, so a caller that gets an id back can attach at once; a host that dies first leaves its
/// reason in the daemon log, which the error quotes.
struct SessionLauncher: Sendable {
    /// This ringlet binary, which both the host and the run inside it are.
    let executable: String
    let directories: RingletDirectories
    let auditLog: String?
    let idleTimeout: Int?
    let replayBytes: Int?
    let linger: Int?

    var sessionsDirectory: String { directories.runtime + "/sessions" }
    var log: DaemonLog { DaemonLog(directories) }

    /// The host's pid once its socket listens.
    func start(id: String, profile: String, agent: String, cols: Int, rows: Int) throws(CLIError) -> pid_t {
        var run = [executable, "profiles", "run", profile]
        if let auditLog { run += ["--audit-log", auditLog] }
        var arguments = ["session-host", "--id", id, "--socket", sessionsDirectory + "/" + id + ".sock", "--ready-fd", "3",
                         "--cols", String(cols), "--rows", String(rows), "--profile", profile, "--agent", agent]
        if let idleTimeout { arguments += ["--idle-timeout", String(idleTimeout)] }
        if let replayBytes { arguments += ["--replay-bytes", String(replayBytes)] }
        if let linger { arguments += ["--linger", String(linger)] }
        arguments += ["--"] + run
        do throws(SystemError) {
            try Directory.create(sessionsDirectory, mode: 0o700)
            let output = try log.openForAppending()
            defer { output.close() }
            var ends: [Int32] = [0, 0]
            guard ringlet_pipe_cloexec(&ends) == 0 else { throw .call(operation: "pipe", path: nil, errno: errno) }
            let ready = FileDescriptor(adopting: ends[0]), readyWrite = FileDescriptor(adopting: ends[1])
            defer { ready.close() }
            var host = Subprocess(executable, arguments, environment: ["RINGLET_SESSION_ID": id, "TERM": "xterm-256color"])
            host.newSession = true
            host.passing = [3: readyWrite]
            let pid: pid_t
            do throws(SystemError) { pid = try host.start(output: output) } catch {
                readyWrite.close()
                throw error
            }
            readyWrite.close()
            guard Self.waitForReady(ready.rawValue) else {
                kill(pid, SIGKILL)
                _ = Subprocess.wait(pid)
                throw .call(operation: "start the session host (see \(log.path))", path: nil, errno: ECHILD)
            }
            return pid
        } catch {
            let tail = log.lastLines(3)
            throw .failed("cannot start a session for profile \(profile): \(error)\(tail.isEmpty ? "" : "\n" + tail)")
        }
    }

    /// One 'R' arrives once the host listens; end of file first means it died before.
    private static func waitForReady(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        // Generous: a loaded two-core machine can take seconds to start a process.
        guard poll(&poller, 1, 30_000) == 1 else { return false }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 1 && byte == UInt8(ascii: "R")
    }
}
