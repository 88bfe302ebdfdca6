import Glibc
import RingletSystem

/// The sandbox's only way out: a listener on 127.0.0.1:3128 *inside* the sandbox's network namespace
/// that carries each connection, byte for byte, to the proxy's per-session unix socket outside.
///
/// It decides nothing (the proxy does, from the socket the connection arrives on) and is started in the
/// namespace by `nsenter` before the agent runs, so nothing unfiltered ever runs inside the sandbox.
public enum ProxyBridge {
    public static let port = 3128

    /// Listens, calls `ready` once the port is open, then relays until the listener fails.
    public static func run(socket path: String, port: Int = ProxyBridge.port, ready: () -> Void) throws(ProxyError) {
        let (listener, _) = try StreamSocket.listenTCP(host: "127.0.0.1", port: port)
        ready()
        while let client = StreamSocket.accept(listener) {
            let connection = Handoff(client)
            DetachedThread.start {
                defer { connection.descriptor.close() }
                guard let upstream = StreamSocket.connectUnix(path) else { return }
                defer { upstream.close() }
                _ = Relay.run(client: connection.descriptor, upstream: upstream, idle: .seconds(3600),
                              deadline: ContinuousClock.now + .seconds(24 * 3600))
            }
        }
    }
}

/// A descriptor handed to exactly one thread, which owns it from then on.
final class Handoff: @unchecked Sendable {
    let descriptor: FileDescriptor
    init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
}
