import Glibc
import Synchronization

/// Relays a terminal session: bytes from `input` to the master and from the master to `output`, on its
/// own thread (poll). The window size of `input` is copied to the pty at start and on every SIGWINCH.
/// SIGTERM, SIGHUP, SIGINT, SIGQUIT delivered to this process are handed to `onSignal` (so the caller can
/// forward them to the sandbox) instead of killing ringlet with the user's terminal left raw.
///
/// The session exists so that `ringlet run` behaves like the agent was started directly in the user's
/// terminal, while the agent only ever touches a pseudo-terminal Ringlet owns: the user's terminal is put
/// in raw mode so every key reaches the agent's line discipline, and whatever happens (the agent exits,
/// the user closes the window, someone sends SIGTERM) the terminal is restored and all of the agent's
/// output is shown before Ringlet returns.
public final class TerminalSession: Sendable {
    private enum State {
        case ready
        case running(TerminalRelay, TerminalMode?)
        case finished
    }

    private let terminal: PseudoTerminal
    private let input: Int32
    private let output: Int32
    private let recorder: AsciicastRecorder?
    private let state = Mutex<State>(.ready)

    /// - Parameter recorder: where the session's output (and resizes) are recorded, if anywhere; closed by `finish()`.
    public init(terminal: PseudoTerminal, input: Int32 = 0, output: Int32 = 1, recorder: AsciicastRecorder? = nil) {
        self.terminal = terminal
        self.input = input
        self.output = output
        self.recorder = recorder
    }

    /// Blocks SIGWINCH, SIGTERM, SIGHUP, SIGINT and SIGQUIT in the calling thread.
    ///
    /// Call before any other thread is started in the process (signals are taken with signalfd, so they
    /// must be blocked everywhere): threads created later inherit the mask, and a signal that some thread
    /// leaves unblocked is delivered to that thread and kills the process instead of reaching `onSignal`.
    public static func blockSignals() {
        var set = TerminalRelay.signalSet([SIGWINCH] + TerminalRelay.forwardedSignals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Puts `input` in raw mode if it is a terminal, copies its window size to the pty and starts relaying.
    /// `onSignal` runs on the relay thread, so it must not call `finish()`. Starting twice, or after
    /// `finish()`, is a programming error.
    public func start(onSignal: @escaping @Sendable (Int32) -> Void) throws(TerminalError) {
        try state.withLock { (state: inout State) throws(TerminalError) in
            guard case .ready = state else { preconditionFailure("a TerminalSession starts once") }
            let relay = try TerminalRelay(terminal: terminal, input: input, output: output, recorder: recorder, onSignal: onSignal)
            let mode = isatty(input) == 1 ? try TerminalMode.enterRaw(input) : nil
            if let size = WindowSize.of(input) { terminal.resize(size) }
            do throws(TerminalError) {
                try relay.start()
            } catch {
                mode?.restore()
                throw error
            }
            state = .running(relay, mode)
        }
    }

    /// After the child exited: drains what the master still holds (until EIO or the pty is empty), stops
    /// the thread and restores the terminal mode. Idempotent; a second caller waits for the first.
    public func finish() {
        state.withLock { state in
            if case .running(let relay, let mode) = state {
                relay.stop()
                recorder?.close()
                mode?.restore()
            }
            state = .finished
        }
    }

    deinit { finish() }
}
