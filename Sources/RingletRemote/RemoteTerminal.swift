import CRingletShim
import Glibc
import RingletSystem
import RingletTerminal

/// The local end of an attached remote session: keystrokes go to the session as binary messages,
/// its output comes back to this terminal, the window size follows along (at start and on every
/// SIGWINCH), and notices from the daemon are shown on the status descriptor.
///
/// When `input` is a terminal it is put in raw mode, so every key reaches the remote agent, and it is
/// restored exactly on every way out. Ctrl-\ then `d` detaches (`DetachKeyFilter`); so does the end
/// of `input`, which is how a script or a pipe detaches. Termination signals detach too instead of
/// killing ringlet with the terminal left raw.
///
/// Everything runs on the calling thread, in one poll(2) loop over the input, the socket and a
/// signalfd; the signals it takes are blocked in that thread while it runs. Call it from the main
/// thread of a process with no other threads that leave SIGWINCH unblocked.
public struct RemoteTerminal: Sendable {
    public let input: Int32
    public let output: Int32
    /// Where the daemon's notices are written.
    public let status: Int32

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, status: Int32 = STDERR_FILENO) {
        self.input = input
        self.output = output
        self.status = status
    }

    /// Relays until the agent exits, the user detaches, a termination signal arrives or the daemon
    /// closes; the WebSocket is closed cleanly in each case.
    public func attach(_ client: WebSocketClient) throws(RemoteError) -> AttachOutcome {
        var taken = RemoteTerminal.signalSet([SIGWINCH] + TerminationSignals.numbers)
        // SIGPIPE is blocked as well, so a closed output is an EPIPE rather than the end of ringlet.
        var blocked = RemoteTerminal.signalSet([SIGWINCH, SIGPIPE] + TerminationSignals.numbers)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let pipeWasPending = RemoteTerminal.isPending(SIGPIPE)
        defer {
            // A SIGPIPE raised here is ours to discard; one pending from before is left alone.
            if !pipeWasPending, RemoteTerminal.isPending(SIGPIPE) {
                var pipeOnly = RemoteTerminal.signalSet([SIGPIPE])
                var noWait = timespec()
                _ = sigtimedwait(&pipeOnly, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        let fd = ringlet_signalfd(&taken)
        guard fd >= 0 else { throw .terminal("cannot take signals through signalfd: \(SystemError.text(errno))") }
        let signals = FileDescriptor(adopting: fd)
        let mode: TerminalMode?
        if isatty(input) == 1 {
            do throws(TerminalError) {
                mode = try TerminalMode.enterRaw(input)
            } catch {
                throw .terminal(error.description)
            }
        } else {
            mode = nil
        }
        defer { mode?.restore() }
        var relay = Relay(terminal: self, client: client, raw: mode != nil)
        return try relay.run(signals: signals)
    }

    /// The state of one attach.
    private struct Relay {
        let terminal: RemoteTerminal
        let client: WebSocketClient
        let raw: Bool
        var filter = DetachKeyFilter()
        var exitCode: Int32??
        /// Set once `output` refuses bytes: the session's output is then read and dropped.
        var outputBroken = false

        init(terminal: RemoteTerminal, client: WebSocketClient, raw: Bool) {
            self.terminal = terminal
            self.client = client
            self.raw = raw
        }

        mutating func run(signals: FileDescriptor) throws(RemoteError) -> AttachOutcome {
            try sendWindowSize()
            var chunk = [UInt8](repeating: 0, count: 16 << 10)
            while true {
                var fds = [
                    pollfd(fd: signals.rawValue, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0),
                ]
                guard poll(&fds, nfds_t(fds.count), client.hasPendingInput ? 0 : -1) >= 0 else {
                    if errno == EINTR { continue }
                    throw .terminal("cannot wait for the terminal and the connection: \(SystemError.text(errno))")
                }
                if fds[0].revents != 0, let signal = try takeSignals(signals) {
                    client.close(.goingAway)
                    return .signalled(signal)
                }
                if fds[1].revents != 0 {
                    let count = chunk.withUnsafeMutableBytes { read(terminal.input, $0.baseAddress, $0.count) }
                    if count > 0 {
                        let keys = filter.filter(chunk[..<count])
                        if !keys.forward.isEmpty { try client.send(binary: keys.forward) }
                        if keys.detach {
                            client.close()
                            return .detached
                        }
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        client.close()
                        return .detached
                    }
                }
                if fds[2].revents != 0 || client.hasPendingInput {
                    for event in try client.receive() {
                        if let outcome = handle(event) { return outcome }
                    }
                }
            }
        }

        /// The first termination signal waiting, if any; window changes are passed on.
        private func takeSignals(_ signals: FileDescriptor) throws(RemoteError) -> Int32? {
            while true {
                let number = ringlet_signalfd_next(signals.rawValue)
                guard number > 0 else { return nil }
                if number == SIGWINCH {
                    try sendWindowSize()
                } else {
                    return number
                }
            }
        }

        private func sendWindowSize() throws(RemoteError) {
            guard let size = WindowSize.of(terminal.input) ?? WindowSize.of(terminal.output) else { return }
            try client.send(text: RemoteControlMessage.resize(size))
        }

        private mutating func handle(_ event: WebSocketClient.Event) -> AttachOutcome? {
            switch event {
            case let .binary(bytes):
                write(bytes, to: terminal.output)
            case let .text(text):
                switch RemoteControlMessage(parsing: text) {
                case let .exit(code):
                    exitCode = code
                case let .notice(message):
                    // In raw mode the cursor may be anywhere and \n does not return the carriage.
                    let line = raw ? "\r\nringlet: \(message)\r\n" : "ringlet: \(message)\n"
                    write(Array(line.utf8), to: terminal.status)
                case .replayStart, .replayEnd, .other, nil:
                    break
                }
            case let .closed(code, reason):
                client.close()
                if let exitCode { return .exited(code: exitCode) }
                return .closed(code: code, reason: reason)
            }
            return nil
        }

        /// All of `bytes`, whether the descriptor is blocking or not (the user's terminal is shared with
        /// their shell, so its flags are left alone).
        private mutating func write(_ bytes: [UInt8], to fd: Int32) {
            var offset = 0
            while offset < bytes.count && !(fd == terminal.output && outputBroken) {
                let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count >= 0 {
                    offset += count
                } else if errno == EAGAIN {
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                } else if errno != EINTR {
                    if fd == terminal.output { outputBroken = true }
                    return
                }
            }
        }
    }

    private static func signalSet(_ numbers: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        return set
    }

    private static func isPending(_ signal: Int32) -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, signal) == 1
    }
}
