import CRingletShim
import Glibc
import RingletSystem

/// How the sandbox reaches what Ringlet serves it: listeners on 127.0.0.1 made *inside* the sandbox's
/// network namespace (whose only interface is `lo`) and served outside — the egress proxy on 3128, the
/// hook service on 3129.
///
/// Nothing of Ringlet's runs in the sandbox: a forked, single-threaded child joins the namespace just
/// long enough to make the socket and hand it back (`ringlet_listen_in_network_namespace`); the run
/// then accepts on it, so every connection the agent opens arrives at the proxy, which decides.
public struct NetworkBridge: Sendable {
    /// A loopback port inside the sandbox and what serves it outside (it takes, and owns, the listener).
    public struct Listener: Sendable {
        public var port: UInt16
        public var serve: @Sendable (FileDescriptor) -> Void

        public init(port: UInt16, serve: @escaping @Sendable (FileDescriptor) -> Void) {
            self.port = port
            self.serve = serve
        }
    }

    /// The egress proxy's port inside.
    public static let proxyPort: UInt16 = 3128
    public var listeners: [Listener]

    public init(listeners: [Listener]) {
        self.listeners = listeners
    }

    /// What agents read to find the proxy; loopback is deliberately not in NO_PROXY, since inside the
    /// sandbox loopback leads nowhere but the bridge.
    public static let environment: [(String, String)] = [
        ("HTTP_PROXY", "http://127.0.0.1:3128"), ("HTTPS_PROXY", "http://127.0.0.1:3128"),
        ("http_proxy", "http://127.0.0.1:3128"), ("https_proxy", "http://127.0.0.1:3128"),
        ("NODE_USE_ENV_PROXY", "1"),
    ]

    /// Makes each listener in the network namespace of `pid` and hands it over.
    func open(in pid: pid_t) throws(SandboxError) {
        for listener in listeners {
            let fd = ringlet_listen_in_network_namespace(pid, listener.port)
            guard fd >= 0 else {
                throw .launch("cannot listen on 127.0.0.1:\(listener.port) inside the sandbox: \(SystemError.text(errno))")
            }
            listener.serve(FileDescriptor(adopting: fd))
        }
    }
}
