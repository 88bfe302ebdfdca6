import CRingletShim
import Glibc
import RingletSystem
import RingletTerminal

/// The process that owns one agent's terminal, so the agent outlives the daemon and any client.
///
/// One host per session, in a session of its own (setsid), holding the PTY master and the agent's
/// process: the daemon can restart, crash or be upgraded and the agent keeps running, its output kept
/// in a replay buffer for whoever attaches next. Everything happens on one `EventLoop` thread — the
/// master, the listening socket, every client and the signals (signalfd) — so the host's state is plain
/// variables and no client can race another. Nothing ever blocks that thread: the master and the
/// sockets are non-blocking, output to each client is queued, and a client that falls too far behind
/// is dropped (it can reattach and get the replay) rather than stalling the agent or the others.
///
/// The life of a session: running (output fanned out to attached clients), then exited (the exit code
/// sent to everyone, status and replay still answered for the linger duration), then gone (socket and
/// metadata removed, the process exits). SIGTERM or SIGHUP to the host ends the agent the way
/// `terminate` does and leaves as soon as it exited.
public final class SessionHost {
    private enum State { case running, exited(code: Int32) }

    private static let chunkSize = 64 << 10
    /// Input a client sends faster than the agent reads it is refused above this, so no client can make
    /// the host buffer without bound.
    private static let inputLimit = 1 << 20
    /// How long an exited agent's terminal is read for output still in flight, when something the agent
    /// started keeps the terminal open after it exited.
    private static let drainLimit = Duration.seconds(1)
    /// How long a leaving host keeps trying to deliver what clients have not been sent yet.
    private static let farewellLimit = Duration.seconds(2)

    private let configuration: SessionHostConfiguration
    private let loop: EventLoop
    private let terminal: PseudoTerminal
    private let listener: FileDescriptor
    private let signals: FileDescriptor
    private let childPid: pid_t
    private let started: String
    private var recorder: AsciicastRecorder?
    private var replay: ReplayBuffer
    private var state = State.running
    private var masterOpen = true
    /// The exit code once the agent was reaped, while output it left in the terminal is still read.
    private var reapedCode: Int32?
    private var pendingInput: [UInt8] = []
    private var clients: [Int32: HostedClient] = [:]
    private var nextClientID = 1
    private var size: (cols: UInt16, rows: UInt16)
    private var bytesIn: UInt64 = 0
    private var bytesOut: UInt64 = 0
    private var lastActivity = ContinuousClock.now
    /// The same moment on the wall clock (seconds since the epoch), for the status.
    private var lastActivityTime = time(nil)
    private var killTimer: EventLoop.Timer?
    private var idleTimer: EventLoop.Timer?
    private var lingerTimer: EventLoop.Timer?
    /// Set by SIGTERM or SIGHUP to the host: once the agent exited, leave without lingering.
    private var leavesAfterExit = false
    private var leaving = false
    private var chunk = [UInt8](repeating: 0, count: SessionHost.chunkSize)

    /// Sets the session up: a session of its own for this process, the terminal, the agent on it, the
    /// listening socket, then the metadata file. When this returns, clients can connect; `run()` serves them.
    /// Takes over the process's signal handling (SIGCHLD, SIGTERM, SIGHUP, SIGINT are taken by the loop,
    /// SIGPIPE is ignored), so call it on the main thread before any other thread starts.
    public init(configuration: SessionHostConfiguration) throws(SessionError) {
        let id = configuration.id
        guard let program = configuration.command.first else { throw .cannotStart(session: id, reason: "no command to run was given") }
        guard configuration.cols > 0, configuration.rows > 0 else {
            throw .cannotStart(session: id, reason: "the terminal size \(configuration.cols)x\(configuration.rows) has a zero in it")
        }
        self.configuration = configuration
        size = (configuration.cols, configuration.rows)
        replay = ReplayBuffer(capacity: max(1, configuration.replayBytes))
        started = UTCTime.nowText()
        // Out of the starter's session and process group: the daemon's end (or its terminal's) is not ours.
        _ = setsid()
        _ = ringlet_close_on_exec_from(3)
        signal(SIGPIPE, SIG_IGN)
        var taken = sigset_t()
        sigemptyset(&taken)
        for number in [SIGCHLD, SIGTERM, SIGHUP, SIGINT] { sigaddset(&taken, number) }
        pthread_sigmask(SIG_BLOCK, &taken, nil)

        func fail(_ what: String, _ error: some Error) -> SessionError { .cannotStart(session: id, reason: "\(what): \(error)") }
        do throws(SystemError) { loop = try EventLoop() } catch { throw fail("cannot start its event loop", error) }
        let signalDescriptor = ringlet_signalfd(&taken)
        guard signalDescriptor >= 0 else { throw fail("cannot take its signals", SystemError.call(operation: "signalfd", path: nil, errno: errno)) }
        signals = FileDescriptor(adopting: signalDescriptor)
        do throws(SystemError) {
            try Directory.create(configuration.folder, mode: 0o700)
        } catch {
            throw fail("cannot create its folder", error)
        }
        chmod(configuration.folder, 0o700)
        do throws(TerminalError) {
            terminal = try PseudoTerminal.open(size: WindowSize(rows: configuration.rows, columns: configuration.cols))
            if let path = configuration.recordingPath {
                recorder = try AsciicastRecorder(path: path, size: WindowSize(rows: configuration.rows, columns: configuration.cols),
                                                 command: configuration.command.joined(separator: " "), term: Self.term)
            }
        } catch {
            throw fail("cannot set up the agent's terminal", error)
        }
        var process = Subprocess(program, Array(configuration.command.dropFirst()), environment: ["TERM": Self.term])
        process.controllingTerminal = terminal.replicaPath
        do throws(SystemError) { childPid = try process.start() } catch {
            recorder?.close()
            throw fail("cannot start \(program)", error)
        }
        do throws(SystemError) {
            listener = try UnixSocket.listen(path: configuration.socketPath)
            UnixSocket.setNonBlocking(listener.rawValue)
            let metadata = SessionMetadata(id: id, profile: configuration.profile, agent: configuration.agent, command: configuration.command,
                                           hostPid: getpid(), childPid: childPid, started: started,
                                           cols: configuration.cols, rows: configuration.rows)
            try AtomicFile.write(metadata.encoded(), to: configuration.metadataPath, mode: 0o600)
        } catch {
            kill(-childPid, SIGKILL)
            _ = Subprocess.wait(childPid)
            unlink(configuration.socketPath)
            recorder?.close()
            throw fail("cannot publish the session", error)
        }
        do throws(SystemError) {
            try loop.register(terminal.master.rawValue, interest: .readable) { [unowned self] events in masterReady(events) }
            try loop.register(listener.rawValue, interest: .readable) { [unowned self] _ in acceptClients() }
            try loop.register(signals.rawValue, interest: .readable) { [unowned self] _ in takeSignals() }
        } catch {
            kill(-childPid, SIGKILL)
            _ = Subprocess.wait(childPid)
            removePublishedFiles()
            recorder?.close()
            throw fail("cannot serve the session", error)
        }
    }

    private static var term: String { Environment.value("TERM").flatMap { $0.isEmpty || $0 == "dumb" ? nil : $0 } ?? "xterm-256color" }

    /// Serves the session until it is over (the agent exited and the linger passed, or the host was told
    /// to leave); returns the agent's exit code.
    public func run() -> Int32 {
        if let timeout = configuration.idleTimeout { scheduleIdleCheck(after: timeout) }
        loop.run()
        // The loop stops only by `leave()`, which comes after the agent was reaped and its terminal closed.
        for client in Array(clients.values) { disconnect(client) }
        loop.deregister(signals.rawValue)
        signals.close()
        return reapedCode ?? 1
    }

    // MARK: The agent's terminal

    private func masterReady(_ events: EventLoop.Events) {
        if events.contains(.writable) { writeInput() }
        guard masterOpen else { return }
        // A pseudo-terminal hands out at most a few KiB per read; what is already waiting is gathered into
        // one chunk, so a fast agent costs clients (and the WebSocket frames behind them) one frame per
        // 64 KiB, not one per 4 KiB.
        var filled = 0
        var ended = false
        while filled < chunk.count {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(terminal.master.rawValue, $0.baseAddress! + filled, $0.count - filled) }
            if n > 0 {
                filled += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            // EIO: every descriptor of the replica is closed, so nothing more will come.
            ended = n == 0 || errno != EAGAIN
            break
        }
        if filled > 0 { publish(chunk[0 ..< filled]) }
        if ended {
            closeMaster()
            if reapedCode != nil { finishExit() }
        }
    }

    private func publish(_ bytes: ArraySlice<UInt8>) {
        bytesOut += UInt64(bytes.count)
        noteActivity()
        replay.append(bytes)
        recorder?.output(bytes)
        let frame = SessionHostMessage.output(Array(bytes)).encoded()
        for client in Array(clients.values) where client.attached {
            client.bytesOut += UInt64(bytes.count)
            send(frame: frame, to: client)
        }
    }

    private func closeMaster() {
        guard masterOpen else { return }
        masterOpen = false
        loop.deregister(terminal.master.rawValue)
    }

    private func queueInput(_ bytes: [UInt8], from client: HostedClient) {
        guard case .running = state, masterOpen else { return }
        guard pendingInput.count + bytes.count <= Self.inputLimit else {
            send(.notice("the agent is not reading its input; \(bytes.count) bytes were dropped, send them again later"), to: client)
            return
        }
        client.bytesIn += UInt64(bytes.count)
        bytesIn += UInt64(bytes.count)
        noteActivity()
        pendingInput += bytes
        writeInput()
    }

    private func writeInput() {
        guard masterOpen else {
            pendingInput = []
            return
        }
        if !pendingInput.isEmpty {
            let n = pendingInput.withUnsafeBytes { Glibc.write(terminal.master.rawValue, $0.baseAddress, $0.count) }
            if n > 0 {
                pendingInput.removeFirst(n)
            } else if n < 0 && errno != EAGAIN && errno != EINTR {
                pendingInput = []
            }
        }
        loop.modify(terminal.master.rawValue, interest: pendingInput.isEmpty ? .readable : [.readable, .writable])
    }

    private func resize(to newSize: (cols: UInt16, rows: UInt16)) {
        guard newSize != size else { return }
        size = newSize
        let window = WindowSize(rows: newSize.rows, columns: newSize.cols)
        if masterOpen { terminal.resize(window) }
        recorder?.resize(window)
    }

    /// The active client is the one that last typed or resized; its size is the terminal's, so the
    /// person typing sees a screen laid out for them.
    private func makeActive(_ client: HostedClient) {
        if let wanted = client.size { resize(to: wanted) }
    }

    // MARK: Ending the agent and the session

    private func takeSignals() {
        while true {
            let number = ringlet_signalfd_next(signals.rawValue)
            guard number > 0 else { return }
            if number == SIGCHLD {
                reapChild()
            } else {
                leavesAfterExit = true
                if case .running = state { terminateAgent() } else { leave() }
            }
        }
    }

    private func reapChild() {
        guard reapedCode == nil else { return }
        var status: Int32 = 0
        let reaped = waitpid(childPid, &status, WNOHANG)
        guard reaped == childPid else { return }
        reapedCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if !masterOpen {
            finishExit()
        } else {
            // Read what the agent wrote last; EIO says it is all there, unless something it started holds the terminal.
            loop.schedule(after: Self.drainLimit) { [unowned self] in finishExit() }
        }
    }

    private func finishExit() {
        guard case .running = state, let code = reapedCode else { return }
        state = .exited(code: code)
        closeMaster()
        terminal.master.close()
        recorder?.close()
        recorder = nil
        for timer in [killTimer, idleTimer].compactMap({ $0 }) { loop.cancel(timer) }
        for client in Array(clients.values) where client.attached { send(.exit(code: code), to: client) }
        if leavesAfterExit || configuration.linger <= .zero {
            leave()
        } else {
            lingerTimer = loop.schedule(after: configuration.linger) { [unowned self] in leave() }
        }
    }

    /// SIGTERM to the agent's process group and the terminal's foreground group, SIGKILL after the grace.
    private func terminateAgent() {
        guard case .running = state, killTimer == nil else { return }
        signalAgent(SIGTERM, andAgent: true)
        killTimer = loop.schedule(after: configuration.terminateGrace) { [unowned self] in signalAgent(SIGKILL, andAgent: true) }
    }

    /// Sends `number` where a terminal would, to its foreground process group (what the user runs in the
    /// agent's shell); with `andAgent`, to the agent's own group as well, so nothing of the session is spared.
    private func signalAgent(_ number: Int32, andAgent: Bool) {
        guard reapedCode == nil else { return }
        let foreground = masterOpen ? tcgetpgrp(terminal.master.rawValue) : -1
        if foreground > 0 { kill(-foreground, number) }
        if foreground != childPid && (andAgent || foreground <= 0) { kill(-childPid, number) }
    }

    private func scheduleIdleCheck(after delay: Duration) {
        idleTimer = loop.schedule(after: delay) { [unowned self] in
            guard case .running = state, let timeout = configuration.idleTimeout else { return }
            let quiet = ContinuousClock.now - lastActivity
            guard quiet >= timeout else {
                scheduleIdleCheck(after: timeout - quiet)
                return
            }
            let seconds = timeout.components.seconds
            for client in Array(clients.values) where client.attached {
                send(.notice("ringlet: session \(configuration.id) was idle for \(seconds)s (no output, no input); ending the agent"), to: client)
            }
            terminateAgent()
        }
    }

    private func noteActivity() {
        lastActivity = .now
        lastActivityTime = time(nil)
    }

    /// Stops being reachable, delivers what clients are still owed (briefly), then makes `run()` return.
    private func leave() {
        guard !leaving else { return }
        leaving = true
        if let lingerTimer { loop.cancel(lingerTimer) }
        removePublishedFiles()
        loop.deregister(listener.rawValue)
        listener.close()
        for client in Array(clients.values) where client.outgoing.isEmpty { disconnect(client) }
        if clients.isEmpty {
            loop.stop()
        } else {
            loop.schedule(after: Self.farewellLimit) { [loop] in loop.stop() }
        }
    }

    private func removePublishedFiles() {
        unlink(configuration.socketPath)
        unlink(configuration.metadataPath)
    }

    // MARK: Clients

    private func acceptClients() {
        while let socket = UnixSocket.accept(listener) {
            let client = HostedClient(id: nextClientID, socket: socket, since: UTCTime.nowText())
            nextClientID += 1
            let fd = socket.rawValue
            do throws(SystemError) {
                try loop.register(fd, interest: .readable) { [unowned self] events in clientReady(fd, events) }
                clients[fd] = client
            } catch {
                socket.close()
            }
        }
    }

    private func clientReady(_ fd: Int32, _ events: EventLoop.Events) {
        guard let client = clients[fd] else { return }
        if events.contains(.writable) {
            guard client.outgoing.flush(to: fd) else { return disconnect(client) }
            updateInterest(client)
            if leaving && client.outgoing.isEmpty { return disconnect(client) }
        }
        guard events.contains(.readable) || events.contains(.hangup) || events.contains(.error) else { return }
        guard let bytes = UnixSocket.receive(fd, into: &chunk) else { return disconnect(client) }
        guard !leaving else { return }
        client.decoder.append(bytes)
        do throws(SessionError) {
            while clients[fd] === client, let message = try client.decoder.next() {
                handle(message, from: client)
            }
        } catch {
            disconnect(client)
        }
    }

    private func handle(_ message: SessionHostMessage, from client: HostedClient) {
        switch message {
        case let .attach(address, wantsReplay):
            client.address = address
            client.attached = true
            send(.replayStart, to: client)
            if wantsReplay {
                let snapshot = replay.snapshot()
                var offset = 0
                while offset < snapshot.count, clients[client.socket.rawValue] === client {
                    let end = min(offset + Self.chunkSize, snapshot.count)
                    client.bytesOut += UInt64(end - offset)
                    send(.output(Array(snapshot[offset ..< end])), to: client)
                    offset = end
                }
            }
            send(.replayEnd, to: client)
            if case .exited(let code) = state { send(.exit(code: code), to: client) }
        case .input(let bytes):
            // Its size first, so what it typed runs in the terminal it sees.
            makeActive(client)
            queueInput(bytes, from: client)
        case let .resize(cols, rows):
            client.size = (cols, rows)
            makeActive(client)
        case .signal(let signal):
            signalAgent(signal.number, andAgent: signal == .KILL)
        case .statusRequest:
            send(.status(status()), to: client)
        case .terminate:
            if case .running = state { terminateAgent() } else { leave() }
        case .replayStart, .output, .replayEnd, .exit, .status, .notice:
            // A host-to-client message sent to the host: the peer does not speak the protocol.
            disconnect(client)
        }
    }

    /// Queues `message` and sends what the socket takes now; a client too far behind is dropped.
    private func send(_ message: SessionHostMessage, to client: HostedClient) {
        send(frame: message.encoded(), to: client)
    }

    private func send(frame: [UInt8], to client: HostedClient) {
        let fd = client.socket.rawValue
        guard clients[fd] === client else { return }
        client.outgoing.append(frame)
        guard client.outgoing.flush(to: fd), client.outgoing.count <= configuration.clientOutputLimit else { return disconnect(client) }
        updateInterest(client)
    }

    private func updateInterest(_ client: HostedClient) {
        let wants = !client.outgoing.isEmpty
        guard wants != client.watchesWritable else { return }
        client.watchesWritable = wants
        loop.modify(client.socket.rawValue, interest: wants ? [.readable, .writable] : .readable)
    }

    private func disconnect(_ client: HostedClient) {
        let fd = client.socket.rawValue
        guard clients[fd] === client else { return }
        clients[fd] = nil
        loop.deregister(fd)
        client.socket.close()
        if leaving && clients.isEmpty { loop.stop() }
    }

    private func status() -> SessionStatus {
        let exitCode: Int32? = if case .exited(let code) = state { code } else { nil }
        return SessionStatus(
            id: configuration.id, profile: configuration.profile, agent: configuration.agent,
            state: exitCode == nil ? .running : .exited, exitCode: exitCode, started: started,
            hostPid: getpid(), childPid: childPid, cols: size.cols, rows: size.rows, bytesIn: bytesIn, bytesOut: bytesOut,
            lastActivity: UTCTime.format(seconds: lastActivityTime), idleSeconds: Int((ContinuousClock.now - lastActivity).components.seconds),
            clients: clients.values.filter(\.attached).sorted { $0.id < $1.id }.map(\.status))
    }
}
