import Glibc
import RingletSessions
import RingletSystem
import RingletTestSupport

/// A `ringlet session-host` started the way the daemon will start it (the built binary, readiness on a
/// pipe passed as --ready-fd), in a runtime folder of its own; killed with its agent if a test leaves it running.
final class HostedSession {
    let runtime: TemporaryDirectory
    let id: String
    let directory: SessionDirectory
    let socketPath: String
    let pid: pid_t
    private var reaped: Int32?

    static var binary: String { RingletBinary(home: "/nonexistent").path }

    init(_ command: [String], id: String = "s1", options: [String] = []) throws {
        runtime = try TemporaryDirectory("ringlet-sessions")
        self.id = id
        directory = SessionDirectory(runtime: runtime.path)
        socketPath = directory.socketPath(for: id)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SessionError.cannotStart(session: id, reason: "pipe") }
        let readEnd = FileDescriptor(adopting: fds[0])
        let writeEnd = FileDescriptor(adopting: fds[1])
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var process = Subprocess(Self.binary, ["session-host", "--id", id, "--socket", socketPath, "--ready-fd", "3"] + options + ["--"] + command,
                                 environment: ["RINGLET_HOME": runtime.path + "/home", "TERM": "xterm"])
        process.passing = [3: writeEnd]
        pid = try process.start()
        writeEnd.close()
        var ready = pollfd(fd: readEnd.rawValue, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        guard poll(&ready, 1, 60_000) == 1, read(readEnd.rawValue, &byte, 1) == 1, byte == UInt8(ascii: "R") else {
            throw SessionError.cannotStart(session: id, reason: "the host did not signal readiness (see its stderr)")
        }
    }

    deinit {
        if reaped == nil {
            if let metadata = metadata { kill(-metadata.childPid, SIGKILL) }
            kill(pid, SIGKILL)
            _ = Subprocess.wait(pid)
        }
    }

    var metadata: SessionMetadata? {
        (try? FileBytes.read(directory.metadataPath(for: id))).flatMap(SessionMetadata.decode)
    }

    func connect() throws -> TestClient { try TestClient(socketPath: socketPath) }

    func status() throws -> SessionStatus { try SessionHostConnection.status(socketPath: socketPath, timeout: .seconds(30)) }

    /// The host's exit status, waiting for it (a minute at most, then nil).
    func waitForExit() -> Int32? {
        if let reaped { return reaped }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return reaped
            }
            usleep(20_000)
        }
        return nil
    }
}
