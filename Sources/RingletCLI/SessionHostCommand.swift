import Glibc
import RingletManifest
import RingletSessions
import RingletSystem

/// `ringlet session-host`: the process the daemon starts for each session, owning the agent's terminal
/// (see `SessionHost`). Hidden from help: people start sessions through the daemon, which picks the id,
/// the socket and the command; this is only the daemon's way of getting a host that outlives it.
///
/// Readiness is one byte ('R') on `--ready-fd`, written once the socket listens, so the starter blocks on a
/// read instead of polling for the socket; end of file without it means start-up failed (the reason is on
/// stderr). After that the host writes nothing to stdout or stderr, which are usually the daemon's log.
enum SessionHostCommand {
    static var command: Command {
        Command(
            "session-host", summary: "own one session's terminal and agent (started by the daemon)",
            discussion: "Runs COMMAND on a new pseudo-terminal and serves it on --socket until it exits and the linger passes.",
            options: [
                .init("id", value: "ID", help: "the session's id"),
                .init("socket", value: "PATH", help: "where to listen (<runtime>/sessions/ID.sock)"),
                .init("ready-fd", value: "N", help: "descriptor to write one byte to once the socket listens"),
                .init("cols", value: "C", help: "terminal columns (default 80)"),
                .init("rows", value: "R", help: "terminal rows (default 24)"),
                .init("replay-bytes", value: "N", help: "output kept for clients that attach later (default 1 MiB)"),
                .init("idle-timeout", value: "SECONDS", help: "end the agent after this long without output or input (default never)"),
                .init("linger", value: "SECONDS", help: "keep an exited session listed this long (default 600; 0 leaves at once)"),
                .init("record", value: "PATH", help: "record the session to this asciicast v2 file"),
                .init("profile", value: "P", help: "the profile the agent runs under, for listings"),
                .init("agent", value: "A", help: "the agent, for listings"),
            ],
            arguments: [.init("COMMAND", variadic: true, help: "the agent's command and its arguments, after --")],
            hidden: true,
            action: run)
    }

    static func run(_ invocation: Invocation) throws(CLIError) -> ExitCode {
        guard let id = invocation.value("id"), SessionDirectory.isValid(id: id) else {
            throw .usage("--id needs a session id of letters, digits, '-', '_' and '.'", usage: invocation.usage)
        }
        guard let socket = invocation.value("socket"), socket.hasPrefix("/") else {
            throw .usage("--socket needs an absolute path", usage: invocation.usage)
        }
        var configuration = SessionHostConfiguration(id: id, socketPath: socket, command: invocation.arguments)
        configuration.cols = try size("cols", invocation) ?? configuration.cols
        configuration.rows = try size("rows", invocation) ?? configuration.rows
        if let bytes = try invocation.integer("replay-bytes") {
            guard bytes > 0 else { throw .usage("--replay-bytes must be above 0", usage: invocation.usage) }
            configuration.replayBytes = bytes
        }
        configuration.idleTimeout = try seconds("idle-timeout", invocation)
        configuration.linger = try seconds("linger", invocation) ?? configuration.linger
        configuration.recordingPath = invocation.value("record")
        configuration.profile = invocation.value("profile")
        configuration.agent = invocation.value("agent")
        let ready = try invocation.integer("ready-fd").map { (number) throws(CLIError) -> Int32 in
            guard number > 2, number <= Int32.max, fcntl(Int32(number), F_GETFD) >= 0 else {
                throw .usage("--ready-fd \(number) is not an open descriptor above 2", usage: invocation.usage)
            }
            return Int32(number)
        }
        let host: SessionHost
        do throws(SessionError) {
            host = try SessionHost(configuration: configuration)
        } catch {
            if let ready { close(ready) }
            throw .failed(error.description)
        }
        if let ready {
            var byte = UInt8(ascii: "R")
            while write(ready, &byte, 1) < 0 && errno == EINTR {}
            close(ready)
        }
        return ExitCode(rawValue: host.run())
    }

    private static func size(_ name: String, _ invocation: Invocation) throws(CLIError) -> UInt16? {
        guard let value = try invocation.integer(name) else { return nil }
        guard (1 ... 1000).contains(value) else { throw .usage("--\(name) must be between 1 and 1000, got \(value)", usage: invocation.usage) }
        return UInt16(value)
    }

    /// Whole or fractional seconds (`30`, `0.5`), or a duration with a unit (`10m`).
    private static func seconds(_ name: String, _ invocation: Invocation) throws(CLIError) -> Duration? {
        guard let text = invocation.value(name) else { return nil }
        if let seconds = Double(text), seconds >= 0, seconds < 1e9 { return .milliseconds(Int((seconds * 1000).rounded())) }
        if let value = DurationValue(parsing: text) { return .milliseconds(value.milliseconds) }
        throw .usage("--\(name) takes seconds (like 30 or 0.5) or a duration (like 10m), got '\(text)'", usage: invocation.usage)
    }
}
