/// One request as the application sees it: already checked against every limit, with the path
/// percent-decoded and the query split, plus where it came from. The raw target is kept as well,
/// because a decoded path cannot tell `/a%2Fb` from `/a/b`.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target exactly as sent, query included.
    public var target: String
    /// The percent-decoded path, without the query.
    public var path: String
    /// Name-value pairs from the query, decoded (`+` is a space), in order; names may repeat.
    public var queryItems: [(name: String, value: String)]
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer as `IP:port` (`[IPv6]:port` for IPv6).
    public var clientAddress: String
    public var isTLS: Bool

    public init(method: String, target: String, path: String, queryItems: [(name: String, value: String)], minorVersion: Int,
                headers: HTTPHeaders, body: [UInt8], clientAddress: String, isTLS: Bool) {
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = queryItems
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.isTLS = isTLS
    }

    /// The first query value for `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The client's IP without the port or IPv6 brackets, which is what rate limits count by.
    public var clientIP: String {
        guard let colon = clientAddress.lastIndex(of: ":") else { return clientAddress }
        let host = clientAddress[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return String(host)
    }

    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    public var keepsAlive: Bool {
        let options = headers.tokens("connection").map { $0.lowercased() }
        if options.contains("close") { return false }
        return minorVersion >= 1 || options.contains("keep-alive")
    }

    /// Whether the client asks for a WebSocket (`Upgrade: websocket`).
    public var isWebSocketUpgrade: Bool {
        headers.tokens("upgrade").contains { $0.lowercased() == "websocket" }
    }
}
