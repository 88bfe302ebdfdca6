/// Bounds that keep one slow, idle or hostile client from holding the proxy.
public struct ProxyLimits: Sendable {
    /// How long a client may take to send its request head.
    public var headTimeout: Duration
    /// How long a tunnel or forwarded request may go without a byte either way.
    public var idleTimeout: Duration
    /// How long any one connection may last.
    public var totalTimeout: Duration
    public var connectTimeout: Duration
    public var connectionsPerSession: Int

    public init(headTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(300), totalTimeout: Duration = .seconds(4 * 3600),
                connectTimeout: Duration = .seconds(10), connectionsPerSession: Int = 256) {
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.totalTimeout = totalTimeout
        self.connectTimeout = connectTimeout
        self.connectionsPerSession = connectionsPerSession
    }
}
