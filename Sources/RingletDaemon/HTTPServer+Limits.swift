extension HTTPServer {
    /// Every bound that keeps a slow, silent or hostile client from holding the daemon. Tests shorten
    /// the durations; the daemon keeps the defaults.
    public struct Limits: Sendable {
        public var request = HTTPRequestParser.Limits()
        /// A request's head must be complete this long after its first byte (then 408 and close).
        public var headTimeout: Duration = .seconds(10)
        /// A keep-alive connection with no request in progress is closed after this long.
        public var idleTimeout: Duration = .seconds(60)
        /// A client that reads none of what is queued for it for this long is dropped.
        public var writeTimeout: Duration = .seconds(30)
        /// Connections beyond this many (HTTP and WebSocket together) are closed as they arrive.
        public var maxConnections = 1024
        public var webSocket = WebSocketLimits()

        public init() {}
    }

    public struct WebSocketLimits: Sendable {
        /// A ping goes out this often; a client heard from not at all for two intervals is dropped.
        public var pingInterval: Duration = .seconds(30)
        /// How long `close` waits for the client's close frame before dropping the connection.
        public var closeTimeout: Duration = .seconds(5)
        /// The largest message accepted, after joining fragments (larger: close with 1009).
        public var maxMessageSize = 1 << 20
        /// `webSocketDidDrain` is called when queued output falls below this after having reached it.
        public var lowWaterMark = 256 << 10

        public init() {}
    }
}
