import Glibc
import RingletSystem
import Synchronization

/// The domain-filtering egress proxy: listeners bound to sessions, a thread per connection, a shared
/// resolver and decision log.
///
/// Each session gets its own listener (a unix socket for sandboxes, or a loopback TCP port when run
/// standalone), so the proxy knows whose allowlist applies from where a connection arrived. A
/// connection lives on its own thread with its own deadlines, so a slow or malformed client only
/// ever holds itself.
public final class ProxyServer: Sendable {
    private let resolver: any HostResolver
    private let log: DecisionLog
    private let limits: ProxyLimits
    /// Raw listener descriptors, so `stop()` can wake their accept loops; each loop owns and closes its own.
    private let listeners = Mutex<Set<Int32>>([])

    public init(resolver: any HostResolver = SystemResolver(), log: DecisionLog, limits: ProxyLimits = ProxyLimits()) {
        self.resolver = resolver
        self.log = log
        self.limits = limits
    }

    /// Serves `session` on a unix socket (0600, in a 0700 folder).
    public func serve(_ session: ProxySession, unixSocket path: String) throws(ProxyError) {
        start(try StreamSocket.listenUnix(path: path), session: session)
    }

    /// Serves `session` on a loopback TCP port (0 picks a free one); returns the port.
    @discardableResult
    public func serve(_ session: ProxySession, host: String = "127.0.0.1", port: Int) throws(ProxyError) -> Int {
        let (listener, bound) = try StreamSocket.listenTCP(host: host, port: port)
        start(listener, session: session)
        return bound
    }

    /// Closes every listener; connections already open finish on their own deadlines.
    public func stop() {
        let all = listeners.withLock { listeners in
            defer { listeners.removeAll() }
            return listeners
        }
        for listener in all { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    private func start(_ listener: FileDescriptor, session: ProxySession) {
        let key = listener.rawValue
        listeners.withLock { _ = $0.insert(key) }
        let resolver = resolver, log = log, limits = limits
        let handle = ListenerHandle(listener)
        DetachedThread.start {
            defer {
                self.listeners.withLock { _ = $0.remove(key) }
                handle.descriptor.close()
            }
            while let client = StreamSocket.accept(handle.descriptor) {
                let connection = ClientHandle(client)
                guard session.open(limit: limits.connectionsPerSession) else {
                    let body = "ringlet proxy: session \(session.id) has \(limits.connectionsPerSession) connections open; try again\n"
                    let response = "HTTP/1.1 503 Service Unavailable\r\nX-Ringlet-Deny: too-many-connections\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
                    _ = StreamSocket.write(client, Array(response.utf8)[...], timeout: .seconds(1))
                    client.close()
                    continue
                }
                let started = DetachedThread.start {
                    ProxyConnection(client: connection.descriptor, session: session, resolver: resolver, log: log, limits: limits).serve()
                    connection.descriptor.close()
                    session.close()
                }
                if !started {
                    client.close()
                    session.close()
                }
            }
        }
    }
}

/// A descriptor handed to exactly one thread, which owns it from then on.
private final class ClientHandle: @unchecked Sendable {
    let descriptor: FileDescriptor
    init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
}

private typealias ListenerHandle = ClientHandle
