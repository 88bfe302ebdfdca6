import CRingletShim
import Glibc
import RingletSystem

/// How the sandbox reaches the egress proxy: a listener on 127.0.0.1:3128 made *inside* the sandbox's
/// network namespace (whose only interface is `lo`) and served by the proxy outside.
///
/// Nothing of Ringlet's runs in the sandbox: a forked, single-threaded child joins the namespace just
/// long enough to make the socket and hand it back (`ringlet_listen_in_network_namespace`); the run's
/// proxy then accepts on it, so every connection the agent opens arrives at the proxy, which decides.
public struct NetworkBridge: Sendable {
    public static let port: UInt16 = 3128
    /// Takes the listener (and owns it from then on).
    public var serve: @Sendable (FileDescriptor) -> Void

    public init(serve: @escaping @Sendable (FileDescriptor) -> Void) {
        self.serve = serve
    }

    /// What agents read to find the proxy; loopback is deliberately not in NO_PROXY, since inside the
    /// sandbox loopback leads nowhere but the bridge.
    public static let environment: [(String, String)] = [
        ("HTTP_PROXY", "http://127.0.0.1:3128"), ("HTTPS_PROXY", "http://127.0.0.1:3128"),
        ("http_proxy", "http://127.0.0.1:3128"), ("https_proxy", "http://127.0.0.1:3128"),
        ("NODE_USE_ENV_PROXY", "1"),
    ]

    /// Makes the listener in the network namespace of `pid` and hands it to `serve`.
    func open(in pid: pid_t) throws(SandboxError) {
        let fd = ringlet_listen_in_network_namespace(pid, Self.port)
        guard fd >= 0 else {
            throw .launch("cannot listen on 127.0.0.1:\(Self.port) inside the sandbox: \(SystemError.text(errno))")
        }
        serve(FileDescriptor(adopting: fd))
    }
}
