import Glibc
import RingletSystem
import RingletTestSupport
import Testing

/// A real Secret Service for a test: a private D-Bus session (`dbus-run-session`) in which GNOME
/// Keyring runs unlocked, with its keyrings in a temporary home, so no test ever touches the user's.
///
/// The session's shell waits on its standard input; closing that (on deinit, or when the test process
/// dies) ends the shell, and with it the bus and the keyring. It is started with `Subprocess` and its
/// own close-on-exec sockets, not `Foundation.Process`: Process learns of an exit through a socket the
/// child inherits, and the bus and keyring daemons inherit it too, so it would wait for them forever.
final class KeyringSession: @unchecked Sendable {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let path = "/usr/local/bin:/usr/bin:/bin"

    let home: TemporaryDirectory
    let busAddress: String
    private let pid: pid_t
    private let input: FileDescriptor

    /// The environment for programs that use this keyring (`secret-tool`, `ringlet`).
    var environment: [String: String] {
        ["DBUS_SESSION_BUS_ADDRESS": busAddress, "PATH": KeyringSession.path, "HOME": home.file("home"), "LANG": "C.UTF-8"]
    }

    /// A started session, or the test is skipped (cancelled) saying why gnome-keyring cannot start here.
    static func startOrSkip() throws -> KeyringSession {
        do {
            return try KeyringSession()
        } catch let unavailable as Unavailable {
            try Test.cancel("skipped: gnome-keyring cannot start here: \(unavailable)")
        }
    }

    private init() throws {
        for tool in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] where (try? ProcessRunner.which(tool)) == nil {
            throw Unavailable(description: "\(tool) is not installed (scripts/install-dependencies installs libsecret-tools, gnome-keyring and dbus)")
        }
        home = try TemporaryDirectory("ringlet-keyring")
        for folder in ["home", "data", "run"] { mkdir(home.file(folder), 0o700) }
        let log = home.file("session.log")
        let script = """
        printf '%s' ringlet-test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
            || { echo "gnome-keyring-daemon --unlock failed with status $?" >&2; exit 1; }
        tries=0
        until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
            tries=$((tries + 1))
            [ "$tries" -lt 100 ] || { echo "the keyring never took org.freedesktop.secrets on the bus" >&2; exit 1; }
            sleep 0.1
        done
        echo "bus=$DBUS_SESSION_BUS_ADDRESS"
        read -r _
        """
        // `env -i`: the session sees exactly these variables, never the developer's own bus or keyring. The
        // script waits until the unlocked keyring owns its bus name, so no client makes the bus start another.
        var process = Subprocess("/usr/bin/env", ["-i", "PATH=\(KeyringSession.path)", "HOME=\(home.file("home"))",
                                                  "XDG_DATA_HOME=\(home.file("data"))", "XDG_RUNTIME_DIR=\(home.file("run"))",
                                                  "LANG=C.UTF-8", try ProcessRunner.which("dbus-run-session"), "--", "sh", "-c", script])
        let stdin = try KeyringSession.socketPair()
        let stdout = try KeyringSession.socketPair()
        let stderr = try FileDescriptor.open(log, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        process.passing = [0: stdin.theirs, 1: stdout.theirs, 2: stderr]
        pid = try process.start()
        [stdin.theirs, stdout.theirs, stderr].forEach { $0.close() }
        input = stdin.ours

        var text = ""
        var address: String?
        let deadline = ContinuousClock.now + .seconds(30)
        while address == nil, ContinuousClock.now < deadline {
            var ready = pollfd(fd: stdout.ours.rawValue, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 200) > 0 else { continue }
            let chunk = try stdout.ours.read(upTo: 4096)
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            address = text.split(separator: "\n").first { $0.hasPrefix("bus=") }.map { String($0.dropFirst(4)) }
        }
        guard let address, !address.isEmpty else {
            KeyringSession.end(pid, input: input)
            let logged = (try? FileBytes.readString(log)) ?? ""
            throw Unavailable(description: "no session bus with an unlocked keyring came up: \(logged.isEmpty ? "(nothing logged)" : logged)")
        }
        busAddress = address
        let probe = try secretTool(["search", "application", "ringlet-session-probe"])
        guard probe.status == 0 else {
            KeyringSession.end(pid, input: input)
            throw Unavailable(description: "the keyring does not answer on its bus: \(probe)")
        }
    }

    /// Runs `secret-tool ARGUMENTS` against this keyring.
    func secretTool(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try ProcessRunner.run(try ProcessRunner.which("secret-tool"), arguments, environment: environment, stdin: stdin)
    }

    /// A connected pair of close-on-exec sockets: one end for this process, one for the child.
    private static func socketPair() throws -> (ours: FileDescriptor, theirs: FileDescriptor) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw SystemError.call(operation: "socketpair", path: nil, errno: errno)
        }
        return (FileDescriptor(adopting: ends[0]), FileDescriptor(adopting: ends[1]))
    }

    /// Ends the session: the shell reads end of file and exits, dbus-run-session stops the bus, and
    /// the keyring daemon leaves with its bus. Killed if it takes longer than ten seconds.
    private static func end(_ pid: pid_t, input: FileDescriptor) {
        input.close()
        let deadline = ContinuousClock.now + .seconds(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                _ = Subprocess.wait(pid)
                return
            }
            usleep(20_000)
        }
    }

    deinit { KeyringSession.end(pid, input: input) }
}
