import Glibc
import RingletSystem

/// The daemon's HTTP/1.1 server (optionally over TLS, with WebSocket upgrades) on one
/// single-threaded event loop. A loop rather than a thread per connection because the daemon's
/// connections are mostly idle WebSockets streaming terminal output, and loop confinement lets every
/// connection keep its state in plain variables. The cost is that handlers must not block: slow work
/// goes to another thread and its answer comes back through `loop.execute` and the `HTTPResponder`.
/// Every resource a client can hold is bounded (`Limits`): request sizes, the time to send a head,
/// idle keep-alive time, the time to read what we write, and the number of connections.
///
/// `init` binds and registers, so it must run on the loop's thread or before the loop runs; the
/// unchecked `Sendable` only lets the server be handed to that thread, and `close` must run there too.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = (HTTPRequest, HTTPResponder) -> Void

    /// What was bound, with the real port when port 0 was asked for: `127.0.0.1:8765`, `[::1]:8765`.
    public let boundAddress: String
    public let limits: Limits
    private let loop: EventLoop
    private let listener: ListeningSocket
    private let tls: ServerTLS?
    private let handler: Handler
    private var streams: [ObjectIdentifier: SocketStream] = [:]
    private var isClosed = false

    public init(address: String, loop: EventLoop, tls: ServerTLS? = nil, limits: Limits = Limits(),
                handler: @escaping Handler) throws(DaemonError) {
        listener = try ListeningSocket(address: address)
        boundAddress = listener.boundAddress
        self.loop = loop
        self.tls = tls
        self.limits = limits
        self.handler = handler
        do throws(SystemError) {
            try loop.register(listener.descriptor.rawValue, interest: .readable) { [weak self] _ in self?.acceptAll() }
        } catch {
            throw .listen(address: address, reason: error.description)
        }
    }

    /// The bound port.
    public var port: Int {
        Int(ListeningSocket.split(boundAddress)?.1 ?? 0)
    }

    /// Connections open now, HTTP and WebSocket together (on the loop thread).
    public var connectionCount: Int { streams.count }

    /// Stops listening and drops every connection; WebSocket delegates hear about it (code 1006).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        loop.deregister(listener.descriptor.rawValue)
        listener.descriptor.close()
        for stream in Array(streams.values) { stream.close(reason: "the server is shutting down") }
    }

    private func acceptAll() {
        // Bounded so a flood of connections cannot starve the connections already open.
        for _ in 0..<64 {
            guard !isClosed, let fd = listener.accept() else {
                if errno == EMFILE || errno == ENFILE { pauseAccepting() }
                return
            }
            guard streams.count < limits.maxConnections else {
                Glibc.close(fd)
                continue
            }
            let peer = ListeningSocket.peerName(fd) ?? "unknown:0"
            let stream: SocketStream
            do throws(SystemError) {
                stream = try SocketStream(fd: fd, peer: peer, loop: loop, tls: tls, writeTimeout: limits.writeTimeout)
            } catch {
                continue
            }
            let key = ObjectIdentifier(stream)
            streams[key] = stream
            stream.onFinished = { [unowned self] in streams[key] = nil }
            _ = HTTPConnection(stream: stream, loop: loop, limits: limits, handler: handler)
        }
    }

    /// Out of descriptors, the listener would stay readable and spin the loop; wait a moment instead.
    private func pauseAccepting() {
        loop.modify(listener.descriptor.rawValue, interest: [])
        loop.schedule(after: .milliseconds(100)) { [weak self] in
            guard let self, !isClosed else { return }
            loop.modify(listener.descriptor.rawValue, interest: .readable)
        }
    }
}
