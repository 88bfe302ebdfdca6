import Glibc
import RingletSystem

/// One-shot requests for the CLI, which has no event loop: connect, ask, wait (bounded), hang up.
extension SessionHostConnection {
    /// What the session on `socketPath` is doing.
    public static func status(socketPath: String, timeout: Duration = .seconds(5)) throws(SessionError) -> SessionStatus {
        let socket = try connect(socketPath)
        defer { socket.close() }
        let deadline = ContinuousClock.now + timeout
        try write(SessionHostMessage.statusRequest.encoded(), to: socket, socketPath: socketPath, deadline: deadline)
        var decoder = SessionFrameDecoder()
        while true {
            while let message = try decoder.next() {
                if case .status(let status) = message { return status }
            }
            decoder.append(try read(socket, socketPath: socketPath, deadline: deadline))
        }
    }

    /// Asks the host to end the agent (SIGTERM, SIGKILL after its grace), or, once the agent exited, to
    /// remove the session; returns once the request was sent.
    public static func terminate(socketPath: String, timeout: Duration = .seconds(5)) throws(SessionError) {
        let socket = try connect(socketPath)
        defer { socket.close() }
        try write(SessionHostMessage.terminate.encoded(), to: socket, socketPath: socketPath, deadline: ContinuousClock.now + timeout)
    }

    private static func connect(_ socketPath: String) throws(SessionError) -> FileDescriptor {
        do throws(SystemError) {
            let socket = try UnixSocket.connect(path: socketPath)
            UnixSocket.setNonBlocking(socket.rawValue)
            return socket
        } catch {
            throw .unreachable(session: sessionName(socketPath), reason: "\(error); `ringlet sessions` lists the running ones")
        }
    }

    private static func write(_ bytes: [UInt8], to socket: FileDescriptor, socketPath: String, deadline: ContinuousClock.Instant) throws(SessionError) {
        var sent = 0
        while sent < bytes.count {
            try waitFor(socket, POLLOUT, socketPath: socketPath, deadline: deadline)
            guard let n = UnixSocket.send(socket.rawValue, bytes[sent...]) else {
                throw .unreachable(session: sessionName(socketPath), reason: "the host closed the connection")
            }
            sent += n
        }
    }

    private static func read(_ socket: FileDescriptor, socketPath: String, deadline: ContinuousClock.Instant) throws(SessionError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            try waitFor(socket, POLLIN, socketPath: socketPath, deadline: deadline)
            guard let bytes = UnixSocket.receive(socket.rawValue, into: &chunk) else {
                throw .unreachable(session: sessionName(socketPath), reason: "the host closed the connection before answering")
            }
            if !bytes.isEmpty { return Array(bytes) }
        }
    }

    private static func waitFor(_ socket: FileDescriptor, _ event: Int32, socketPath: String, deadline: ContinuousClock.Instant) throws(SessionError) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            let milliseconds = Int32(clamping: max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            var ready = pollfd(fd: socket.rawValue, events: Int16(event), revents: 0)
            let count = poll(&ready, 1, milliseconds)
            if count > 0 { return }
            if count < 0 && errno == EINTR { continue }
            throw .unreachable(session: sessionName(socketPath), reason: "its host did not answer in time; try again, and if it never does, its process is stuck")
        }
    }
}
