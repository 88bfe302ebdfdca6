import Glibc
import RingletSystem

/// A client's connection to a session host, served by the caller's `EventLoop`.
///
/// The daemon keeps one loop for all its clients and all the sessions they watch, so the connection never
/// blocks: frames are queued and sent as the socket takes them, and received frames are decoded as they
/// arrive and handed to `onMessage` on the loop's thread. Create, use and close it on that thread. While
/// open, the loop holds it (through its registration), so the caller need not; `close()` or the host
/// hanging up lets it go.
public final class SessionHostConnection {
    public typealias MessageHandler = (SessionHostMessage) -> Void
    /// Called once when the host ends the connection: nil for a plain hang-up (the session ended, or the
    /// host dropped a client that fell behind), an error when the stream broke or made no sense.
    public typealias CloseHandler = (SessionError?) -> Void

    public let socketPath: String
    private let loop: EventLoop
    private let socket: FileDescriptor
    private let onMessage: MessageHandler
    private let onClose: CloseHandler
    private var decoder = SessionFrameDecoder()
    private var outgoing = OutgoingBytes()
    private var watchesWritable = false
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)

    /// Connects to the host listening on `socketPath`; call on `loop`'s thread.
    public init(socketPath: String, loop: EventLoop, onMessage: @escaping MessageHandler,
                onClose: @escaping CloseHandler) throws(SessionError) {
        self.socketPath = socketPath
        self.loop = loop
        self.onMessage = onMessage
        self.onClose = onClose
        do throws(SystemError) {
            socket = try UnixSocket.connect(path: socketPath)
            UnixSocket.setNonBlocking(socket.rawValue)
            try loop.register(socket.rawValue, interest: .readable) { [self] events in ready(events) }
        } catch {
            throw .unreachable(session: Self.sessionName(socketPath), reason: "\(error); `ringlet sessions` lists the running ones")
        }
    }

    public var isOpen: Bool { socket.rawValue >= 0 }

    /// Output queued for the host and not yet taken by the socket.
    public var unsentBytes: Int { outgoing.count }

    /// Queues `message` and sends what the socket takes now; ignored once closed.
    public func send(_ message: SessionHostMessage) {
        guard isOpen else { return }
        outgoing.append(message.encoded())
        flush()
    }

    /// Closes the connection without calling `onClose`; the host sees a client leave.
    public func close() {
        guard isOpen else { return }
        loop.deregister(socket.rawValue)
        socket.close()
    }

    private func ready(_ events: EventLoop.Events) {
        if events.contains(.writable) { flush() }
        guard isOpen, !events.isDisjoint(with: [.readable, .hangup, .error]) else { return }
        guard let bytes = UnixSocket.receive(socket.rawValue, into: &chunk) else { return hangUp(nil) }
        decoder.append(bytes)
        do throws(SessionError) {
            while isOpen, let message = try decoder.next() { onMessage(message) }
        } catch {
            hangUp(error)
        }
    }

    private func flush() {
        guard outgoing.flush(to: socket.rawValue) else { return hangUp(.unreachable(session: Self.sessionName(socketPath), reason: "the host closed the connection")) }
        let wants = !outgoing.isEmpty
        guard wants != watchesWritable else { return }
        watchesWritable = wants
        loop.modify(socket.rawValue, interest: wants ? [.readable, .writable] : .readable)
    }

    private func hangUp(_ error: SessionError?) {
        guard isOpen else { return }
        close()
        onClose(error)
    }

    /// The session id a socket path names (`…/sessions/ID.sock`), for messages.
    static func sessionName(_ socketPath: String) -> String {
        let file = socketPath.split(separator: "/").last.map(String.init) ?? socketPath
        return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
    }
}
