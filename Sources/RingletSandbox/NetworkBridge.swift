/// How the sandbox reaches the egress proxy: the proxy's per-session unix socket, and the command that
/// runs the bridge (`ringlet sandbox bridge --socket …`) once `nsenter` has put it in the sandbox's
/// user and network namespaces.
public struct NetworkBridge: Sendable {
    public var proxySocket: String
    public var command: [String]

    public init(proxySocket: String, command: [String]) {
        self.proxySocket = proxySocket
        self.command = command
    }

    /// What agents read to find the proxy; loopback is deliberately not in NO_PROXY, since inside the
    /// sandbox loopback leads nowhere but the bridge.
    public static let environment: [(String, String)] = [
        ("HTTP_PROXY", "http://127.0.0.1:3128"), ("HTTPS_PROXY", "http://127.0.0.1:3128"),
        ("http_proxy", "http://127.0.0.1:3128"), ("https_proxy", "http://127.0.0.1:3128"),
        ("NODE_USE_ENV_PROXY", "1"),
    ]
}
