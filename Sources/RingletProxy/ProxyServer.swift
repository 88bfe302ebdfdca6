import Glibc
import RingletSystem
import Synchronization

/// The domain-filtering egress proxy: listeners bound to sessions, a thread per connection, a shared
/// resolver and decision log.
///
/// Each session gets its own listener (a unix socket for sandboxes, or a loopback TCP port when run
/// standalone), so the proxy knows whose allowlist applies from where a connection arrived. A
/// connection is served on its own thread with its own deadlines, so a slow or malformed client only
/// ever holds itself; threads wait in accept and are reused across connections.
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

    /// Serves a listener made elsewhere: the one `ringlet run` makes inside its sandbox's network namespace.
    public func serve(_ session: ProxySession, listener: FileDescriptor) {
        start(listener, session: session)
    }

    /// Closes every listener; connections already open finish on their own deadlines.
    public func stop() {
        listeners.withLock { listeners in
            for listener in listeners { shutdown(listener, Int32(SHUT_RDWR)) }
        }
    }

    private func start(_ listener: FileDescriptor, session: ProxySession) {
        listeners.withLock { _ = $0.insert(listener.rawValue) }
        let acceptors = Acceptors(listener: listener, server: self, session: session)
        for _ in 0 ..< Acceptors.initial { acceptors.spawn() }
    }

    fileprivate func serve(_ client: FileDescriptor, session: ProxySession) {
        guard session.open(limit: limits.connectionsPerSession) else {
            let body = "ringlet proxy: session \(session.id) has \(limits.connectionsPerSession) connections open; try again\n"
            let response = "HTTP/1.1 503 Service Unavailable\r\nX-Ringlet-Deny: too-many-connections\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            _ = StreamSocket.write(client, Array(response.utf8)[...], timeout: .seconds(1))
            return
        }
        ProxyConnection(client: client, session: session, resolver: resolver, log: log, limits: limits).serve()
        session.close()
    }

    /// Closes a listener whose threads are gone; under the same lock `stop()` shuts listeners down in,
    /// so it never shuts down a descriptor number that was closed and reused.
    fileprivate func close(_ listener: FileDescriptor) {
        listeners.withLock { listeners in
            listeners.remove(listener.rawValue)
            listener.close()
        }
    }
}

/// The threads serving one listener, prefork style: each waits in accept(2), serves the connection it
/// gets on its own thread, and goes back to accept. The last idle thread starts another before it
/// serves, so one is always waiting and a slow client never holds a newcomer. Threads are kept for the
/// next burst; `stop()` wakes them all, and the last one to leave closes the listener.
private final class Acceptors: @unchecked Sendable {
    static let initial = 4
    let listener: FileDescriptor
    let server: ProxyServer
    let session: ProxySession
    private let counts = Mutex<(idle: Int, running: Int)>((0, 0))

    init(listener: FileDescriptor, server: ProxyServer, session: ProxySession) {
        self.listener = listener
        self.server = server
        self.session = session
    }

    func spawn() {
        counts.withLock { $0.running += 1 }
        let started = DetachedThread.start { [self] in run() }
        if !started { counts.withLock { $0.running -= 1 } }
    }

    private func run() {
        while true {
            counts.withLock { $0.idle += 1 }
            guard let client = StreamSocket.accept(listener) else { break }
            let needAnother = counts.withLock { counts in
                counts.idle -= 1
                return counts.idle == 0
            }
            if needAnother { spawn() }
            server.serve(client, session: session)
            // Closed only after the session let go of it (in serve), so a client that saw the end and
            // connects again at once is never refused for a connection that was already over.
            client.close()
        }
        let last = counts.withLock { counts in
            counts.idle -= 1
            counts.running -= 1
            return counts.running == 0
        }
        if last { server.close(listener) }
    }
}
