import CRingletShim
import Glibc
import RingletSystem

/// The thread behind a `TerminalSession`: one poll(2) loop over the user's input, the pseudo-terminal's
/// master, a signalfd and a wake-up pipe, so that keystrokes, agent output, window changes and forwarded
/// signals are handled in one place, in order, without signal handlers.
///
/// Its descriptors are owned here and closed when the last of the session and the thread lets go of it.
final class TerminalRelay: @unchecked Sendable {
    /// Handed to the caller instead of killing Ringlet; SIGWINCH is handled here.
    static let forwardedSignals = TerminationSignals.numbers

    static func signalSet(_ numbers: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        return set
    }

    private let terminal: PseudoTerminal
    private let input: Int32
    private let output: Int32
    private let onSignal: @Sendable (Int32) -> Void
    private let recorder: AsciicastRecorder?
    private let signals: FileDescriptor
    private let wake: (read: FileDescriptor, write: FileDescriptor)
    private let done: (read: FileDescriptor, write: FileDescriptor)
    /// Set when `output` refuses bytes (a closed pipe, a hung-up terminal): the agent's output is then
    /// read and dropped, so the agent never blocks on a full pty.
    private var outputBroken = false

    init(terminal: PseudoTerminal, input: Int32, output: Int32, recorder: AsciicastRecorder?,
         onSignal: @escaping @Sendable (Int32) -> Void) throws(TerminalError) {
        self.terminal = terminal
        self.input = input
        self.output = output
        self.recorder = recorder
        self.onSignal = onSignal
        var mask = TerminalRelay.signalSet([SIGWINCH] + TerminalRelay.forwardedSignals)
        let fd = ringlet_signalfd(&mask)
        guard fd >= 0 else { throw .call(operation: "take signals through signalfd", errno: errno) }
        signals = FileDescriptor(adopting: fd)
        wake = try TerminalRelay.pipe()
        done = try TerminalRelay.pipe()
    }

    private static func pipe() throws(TerminalError) -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        guard ringlet_pipe_cloexec(&fds) == 0 else { throw .call(operation: "create the terminal relay's pipe", errno: errno) }
        return (FileDescriptor(adopting: fds[0]), FileDescriptor(adopting: fds[1]))
    }

    /// Starts the thread with the relayed signals (and SIGPIPE, so a closed output is an EPIPE, not a
    /// death) blocked from its first instruction, whatever the caller's mask.
    func start() throws(TerminalError) {
        var blocked = TerminalRelay.signalSet([SIGWINCH, SIGPIPE] + TerminalRelay.forwardedSignals)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let started = DetachedThread.start { [self] in
            relay()
            drainMaster()
            var byte: UInt8 = 1
            _ = write(done.write.rawValue, &byte, 1)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        guard started else { throw .call(operation: "start the terminal relay thread", errno: EAGAIN) }
    }

    /// Wakes the thread and returns once it has drained the master and stopped.
    func stop() {
        var byte: UInt8 = 1
        while write(wake.write.rawValue, &byte, 1) < 0 && errno == EINTR {}
        while read(done.read.rawValue, &byte, 1) < 0 && errno == EINTR {}
    }

    /// Moves bytes both ways until `stop()`. Input is read only when the master has taken the previous
    /// chunk (the agent not reading must not make Ringlet buffer without bound), and no longer after its
    /// end of file or once the master is gone; the master is read until EIO, which says every replica
    /// descriptor is closed.
    private func relay() {
        let master = terminal.master.rawValue
        var inputOpen = true
        var masterOpen = true
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let readsInput = inputOpen && masterOpen && pending.isEmpty
            var fds = [
                pollfd(fd: signals.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: masterOpen ? master : -1, events: Int16(pending.isEmpty ? POLLIN : POLLIN | POLLOUT), revents: 0),
                pollfd(fd: readsInput ? input : -1, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                if errno == EINTR { continue }
                return
            }
            if fds[0].revents != 0 { takeSignals() }
            if fds[2].revents & Int16(POLLIN | POLLHUP | POLLERR | POLLNVAL) != 0 {
                masterOpen = copyFromMaster(into: &chunk)
            }
            if fds[3].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n > 0 {
                    pending = Array(chunk[0 ..< n])
                    recorder?.input(chunk[0 ..< n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    inputOpen = false
                }
            }
            if masterOpen && !pending.isEmpty { writePending(&pending, to: master) }
            if fds[1].revents != 0 { return }
        }
    }

    private func takeSignals() {
        while true {
            let number = ringlet_signalfd_next(signals.rawValue)
            guard number > 0 else { return }
            if number == SIGWINCH {
                if let size = WindowSize.of(input) {
                    terminal.resize(size)
                    recorder?.resize(size)
                }
            } else {
                onSignal(number)
            }
        }
    }

    /// One read of the master, copied to the output; false once the master is gone (EIO, end of file).
    /// What is waiting is gathered first (a pseudo-terminal hands out a few KiB per read), so a fast
    /// agent costs one write and one recorded event per chunk rather than per read.
    private func copyFromMaster(into chunk: inout [UInt8]) -> Bool {
        var filled = 0
        var open = true
        while filled < chunk.count {
            let n = chunk.withUnsafeMutableBytes { read(terminal.master.rawValue, $0.baseAddress! + filled, $0.count - filled) }
            if n > 0 {
                filled += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            open = n < 0 && errno == EAGAIN
            break
        }
        if filled > 0 { writeOutput(chunk[0 ..< filled]) }
        return open
    }

    /// After the agent exited: whatever the master still holds, until it is empty or gone.
    private func drainMaster() {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(terminal.master.rawValue, $0.baseAddress, $0.count) }
            if n > 0 {
                writeOutput(chunk[0 ..< n])
            } else if n == 0 || errno != EINTR {
                return
            }
        }
    }

    /// As much of `pending` as the non-blocking master takes now; the rest waits for POLLOUT.
    private func writePending(_ pending: inout [UInt8], to master: Int32) {
        let n = pending.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        if n > 0 {
            pending.removeFirst(n)
        } else if n < 0 && errno != EINTR && errno != EAGAIN {
            pending.removeAll()
        }
    }

    /// All of `bytes` to the output, which may be blocking or not (the user's terminal is shared with
    /// their shell, so its flags are left alone).
    private func writeOutput(_ bytes: ArraySlice<UInt8>) {
        recorder?.output(bytes)
        var offset = bytes.startIndex
        while offset < bytes.endIndex && !outputBroken {
            let n = bytes[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if n >= 0 {
                offset += n
            } else if errno == EAGAIN {
                var ready = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, -1)
            } else if errno != EINTR {
                outputBroken = true
            }
        }
    }
}
