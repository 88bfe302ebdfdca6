import RingletSystem
/// A small blocking HTTP/1.1 client for fetching files over `http` and `https`. Each call
/// opens one connection per hop with `Connection: close`, sends a GET, reads the whole
/// response into memory and follows redirects; `send` makes other requests (an API call)
/// and `upgrade` keeps the connection for another protocol (a WebSocket). It blocks the
/// calling thread, so use it on the main thread or a thread of its own, never on the Swift
/// concurrency pool.
///
/// `timeout` bounds every wait on the network: connecting (per resolved address), the TLS
/// handshake, and each read or write. A transfer that keeps making progress is not cut
/// off; one that stalls for `timeout` fails. Name resolution uses the system resolver and
/// is not covered by the timeout.
///
/// One client may serve several threads at once, and copies share its TLS context, which
/// is built on the first https request: keep one client around rather than making one
/// per request, or every request pays for loading the CA store again.
public struct HTTPClient: Sendable {
    public let timeout: Duration
    /// A larger body fails with `bodyTooLarge` instead of being read into memory.
    public let maxBodyBytes: Int
    /// A redirect beyond this many fails with `tooManyRedirects`; 0 refuses all redirects.
    public let maxRedirects: Int
    /// Extra PEM certificates to trust for https, on top of the system store.
    public let caFile: String?
    public let userAgent: String
    private let tlsContexts: TLSContextCache

    private static let redirectStatuses: Set = [301, 302, 303, 307, 308]

    public init(
        timeout: Duration = .seconds(30), maxBodyBytes: Int = 32 << 20, maxRedirects: Int = 5,
        caFile: String? = nil, userAgent: String = "ringlet"
    ) {
        precondition(timeout > .zero, "HTTPClient timeout must be positive")
        precondition(maxBodyBytes >= 0 && maxRedirects >= 0, "HTTPClient limits must not be negative")
        precondition(
            !userAgent.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
            "HTTPClient userAgent must not contain control characters")
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.userAgent = userAgent
        tlsContexts = TLSContextCache(caFile: caFile)
    }

    /// Fetches `url`, following up to `maxRedirects` redirects (never from https to http).
    /// Any status is returned as a response; only failing to get one is an error.
    public func get(_ url: HTTPURL) throws(HTTPClientError) -> HTTPResponse {
        try SIGPIPEBlocker.run { () throws(HTTPClientError) in try follow(url) }
    }

    /// Sends one request with `headers` (besides Host, User-Agent and the defaults they do not
    /// name) and `body` (with its Content-Length), and returns the response, whatever its status.
    /// Redirects are returned rather than followed: repeating a POST or DELETE somewhere else is
    /// the caller's decision.
    public func send(
        method: String, url: HTTPURL, headers: [HTTPHeader] = [], body: [UInt8]? = nil
    ) throws(HTTPClientError) -> HTTPResponse {
        try SIGPIPEBlocker.run { () throws(HTTPClientError) in
            let tlsContext = url.scheme == .https ? try tlsContexts.context(for: url) : nil
            let connection = try Connection(to: url, timeout: timeout, tlsContext: tlsContext)
            try connection.write(request(method: method, url: url, headers: headers, body: body))
            var reader = ResponseReader(connection: connection, maxBodyBytes: maxBodyBytes)
            let head = try reader.readHead()
            let body = method == "HEAD" ? [] : try reader.readBody(for: head)
            return HTTPResponse(url: url, status: head.status, reason: head.reason, headers: head.headers, body: body)
        }
    }

    /// Sends a GET asking to switch protocols (`headers` carry Upgrade, Connection: Upgrade and what
    /// the new protocol needs). On 101 the connection stays open as a stream for that protocol;
    /// any other answer is read whole, so its body can say why.
    public func upgrade(_ url: HTTPURL, headers: [HTTPHeader]) throws(HTTPClientError) -> HTTPUpgrade {
        try SIGPIPEBlocker.run { () throws(HTTPClientError) in
            let tlsContext = url.scheme == .https ? try tlsContexts.context(for: url) : nil
            let connection = try Connection(to: url, timeout: timeout, tlsContext: tlsContext)
            try connection.write(request(method: "GET", url: url, headers: headers, body: nil))
            var reader = ResponseReader(connection: connection, maxBodyBytes: maxBodyBytes)
            let head = try reader.readHead(upgradeRequested: true)
            guard head.status == 101 else {
                let body = try reader.readBody(for: head)
                return .refused(HTTPResponse(url: url, status: head.status, reason: head.reason, headers: head.headers, body: body))
            }
            let response = HTTPResponse(url: url, status: head.status, reason: head.reason, headers: head.headers)
            return .switched(response, HTTPStream(connection: connection, received: reader.takeBuffered()))
        }
    }

    private func follow(_ url: HTTPURL) throws(HTTPClientError) -> HTTPResponse {
        var current = url
        var visited: Set = [url]
        while true {
            let tlsContext = current.scheme == .https ? try tlsContexts.context(for: current) : nil
            let response = try fetch(current, tlsContext: tlsContext)
            guard Self.redirectStatuses.contains(response.status), let location = response.header("Location") else {
                return response
            }
            guard let next = current.resolving(location) else {
                throw .invalidRedirect(current, location: location)
            }
            guard current.scheme == .http || next.scheme == .https else {
                throw .insecureRedirect(from: current, to: next)
            }
            guard visited.insert(next).inserted else { throw .redirectLoop(next) }
            guard visited.count - 1 <= maxRedirects else { throw .tooManyRedirects(url, limit: maxRedirects) }
            current = next
        }
    }

    private func fetch(_ url: HTTPURL, tlsContext: TLSContext?) throws(HTTPClientError) -> HTTPResponse {
        let connection = try Connection(to: url, timeout: timeout, tlsContext: tlsContext)
        try connection.write(request(method: "GET", url: url, headers: [], body: nil))
        var reader = ResponseReader(connection: connection, maxBodyBytes: maxBodyBytes)
        let head = try reader.readHead()
        // A followed redirect's body is never looked at and may be large; closing the
        // connection is cheaper than reading it.
        let willFollow = Self.redirectStatuses.contains(head.status)
            && head.headers.contains { $0.name.lowercased() == "location" }
        let body = willFollow ? [] : try reader.readBody(for: head)
        return HTTPResponse(url: url, status: head.status, reason: head.reason, headers: head.headers, body: body)
    }

    /// The request head and body. A default header is left out when `headers` names it, so an
    /// upgrade can say `Connection: Upgrade` instead of `close`.
    private func request(method: String, url: HTTPURL, headers: [HTTPHeader], body: [UInt8]?) -> [UInt8] {
        precondition(!method.isEmpty && method.utf8.allSatisfy { (0x41...0x5A).contains($0) }, "HTTP method must be upper-case letters")
        precondition(
            headers.allSatisfy { !($0.name + $0.value).unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } && !$0.name.contains(":") },
            "HTTP header fields must not contain control characters")
        let given = Set(headers.map { $0.name.lowercased() })
        precondition(!given.contains("host") && !given.contains("content-length"), "Host and Content-Length are set by HTTPClient")
        var fields = [HTTPHeader(name: "Host", value: url.authority), HTTPHeader(name: "User-Agent", value: userAgent)]
        for (name, value) in [("Accept", "*/*"), ("Accept-Encoding", "identity"), ("Connection", "close")] where !given.contains(name.lowercased()) {
            fields.append(HTTPHeader(name: name, value: value))
        }
        fields += headers
        if let body { fields.append(HTTPHeader(name: "Content-Length", value: String(body.count))) }
        let lines = ["\(method) \(url.requestTarget) HTTP/1.1"] + fields.map(\.description)
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (body ?? [])
    }
}
