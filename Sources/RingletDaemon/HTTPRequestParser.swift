/// Turns the bytes of one connection into requests, however the network splits them. It is a pure
/// value with no I/O so every limit and malformed case can be tested byte by byte. Only what the
/// daemon needs is accepted (origin-form targets, `Content-Length` bodies): anything ambiguous is
/// refused rather than guessed, because a lenient parser in front of an agent-launching API is how
/// smuggled requests get in. Each limit is checked as bytes arrive, so a client can never make the
/// daemon buffer more than the limits allow. Once a request is refused, every later call refuses it
/// again: the connection must then be closed.
public struct HTTPRequestParser: Sendable {
    public struct Limits: Sendable {
        public var requestLineBytes = 8 << 10
        /// Every header line together, without the request line.
        public var headerBytes = 16 << 10
        public var headerCount = 100
        public var bodyBytes = 1 << 20

        public init() {}
    }

    public let limits: Limits
    private let clientAddress: String
    private let isTLS: Bool
    private var buffer: [UInt8] = []
    /// Where the unparsed bytes start.
    private var start = 0
    /// How far past `start` the search for the end of the head has already looked.
    private var scanned = 0
    /// Where the first CRLF of the head is, relative to `start`, once seen.
    private var requestLineEnd: Int?
    /// A parsed head whose body has not fully arrived.
    private var waitingForBody: (request: HTTPRequest, length: Int)?
    private var failure: HTTPParseError?

    public init(limits: Limits = Limits(), clientAddress: String = "", isTLS: Bool = false) {
        self.limits = limits
        self.clientAddress = clientAddress
        self.isTLS = isTLS
    }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet part of a returned request.
    public var bufferedCount: Int { buffer.count - start }

    /// Whether part of a request has arrived (its head, or its head and part of its body).
    public var hasPartialRequest: Bool { waitingForBody != nil || bufferedCount > 0 }

    /// Whether the head of the next request is complete and its body is still arriving.
    public var isReceivingBody: Bool { waitingForBody != nil }

    /// Whether the request whose body is arriving asked for `100 Continue` before sending it.
    public var bodyAwaitsContinue: Bool {
        waitingForBody?.request.headers["expect"]?.lowercased() == "100-continue"
    }

    /// Hands over what follows the last returned request (the first WebSocket frames after an upgrade).
    public mutating func takeBuffered() -> [UInt8] {
        defer {
            buffer = []
            start = 0
            scanned = 0
            requestLineEnd = nil
        }
        return Array(buffer[start...])
    }

    /// The next complete request, or nil while more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        if let failure { throw failure }
        do throws(HTTPParseError) {
            return try parse()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func parse() throws(HTTPParseError) -> HTTPRequest? {
        if waitingForBody == nil {
            // RFC 9112 section 2.2: empty lines before a request line are ignored.
            while bufferedCount >= 2, buffer[start] == 0x0D, buffer[start + 1] == 0x0A {
                start += 2
                scanned = 0
                requestLineEnd = nil
            }
            guard let headEnd = try findHeadEnd() else { return nil }
            let head = buffer[start..<headEnd]
            start = headEnd + 4
            scanned = 0
            requestLineEnd = nil
            waitingForBody = try parseHead(head)
        }
        guard let (request, length) = waitingForBody, bufferedCount >= length else { return nil }
        var complete = request
        complete.body = Array(buffer[start..<start + length])
        start += length
        waitingForBody = nil
        return complete
    }

    /// The index of the CRLFCRLF ending the head, checking the size limits while it has not arrived.
    /// Scanning resumes where it stopped, so a head sent a byte at a time costs linear time.
    private mutating func findHeadEnd() throws(HTTPParseError) -> Int? {
        var index = start + max(0, scanned - 3)
        while index + 1 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A {
                if requestLineEnd == nil { requestLineEnd = index - start }
                if index + 3 < buffer.count, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                    try checkSizes(headLength: index - start)
                    return index
                }
            }
            index += 1
        }
        scanned = bufferedCount
        try checkSizes(headLength: bufferedCount)
        return nil
    }

    private func checkSizes(headLength: Int) throws(HTTPParseError) {
        guard (requestLineEnd ?? headLength) <= limits.requestLineBytes else {
            throw HTTPParseError(status: 414, "the request line is longer than \(limits.requestLineBytes) bytes")
        }
        if let requestLineEnd, headLength - (requestLineEnd + 2) > limits.headerBytes {
            throw HTTPParseError(status: 431, "the request headers are larger than \(limits.headerBytes) bytes")
        }
    }

    private func parseHead(_ head: ArraySlice<UInt8>) throws(HTTPParseError) -> (HTTPRequest, Int) {
        var lines: [ArraySlice<UInt8>] = []
        for line in head.split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard line.last == 0x0D || line.endIndex == head.endIndex else {
                throw HTTPParseError(status: 400, "a line ends with a bare LF; HTTP lines end with CRLF")
            }
            lines.append(line.last == 0x0D ? line.dropLast() : line)
        }
        let requestLine = lines.removeFirst()
        guard lines.count <= limits.headerCount else {
            throw HTTPParseError(status: 431, "the request has more than \(limits.headerCount) header lines")
        }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPParseError(status: 400, "the request line is not 'METHOD TARGET HTTP/1.1'") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard !method.isEmpty, parts[0].allSatisfy(Self.isTokenByte) else { throw HTTPParseError(status: 400, "the method is not a token") }
        let version = String(decoding: parts[2], as: UTF8.self)
        let minorVersion: Int
        switch version {
        case "HTTP/1.1": minorVersion = 1
        case "HTTP/1.0": minorVersion = 0
        default:
            guard version.hasPrefix("HTTP/"), version.count == 8 else { throw HTTPParseError(status: 400, "the request line does not end in HTTP/1.1") }
            throw HTTPParseError(status: 505, "HTTP version \(version.dropFirst(5)) is not supported; use HTTP/1.1")
        }
        let target = try Self.target(parts[1])

        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw HTTPParseError(status: 400, "a header line has no colon") }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else {
                throw HTTPParseError(status: 400, "a header name is empty or contains spaces or separators (line folding is not allowed)")
            }
            let value = line[(colon + 1)...]
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw HTTPParseError(status: 400, "header \(String(decoding: name, as: UTF8.self)) contains control characters")
            }
            headers.append(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self).trimmingHTTPWhitespace)
        }

        if minorVersion == 1, headers.values("host").count != 1 {
            throw HTTPParseError(status: 400, "an HTTP/1.1 request needs exactly one Host header")
        }
        let length = try bodyLength(headers)
        let request = HTTPRequest(method: method, target: target.raw, path: target.path, queryItems: target.query, minorVersion: minorVersion,
                                  headers: headers, body: [], clientAddress: clientAddress, isTLS: isTLS)
        return (request, length)
    }

    private func bodyLength(_ headers: HTTPHeaders) throws(HTTPParseError) -> Int {
        let codings = headers.tokens("transfer-encoding")
        let lengths = headers.tokens("content-length")
        if headers.contains("transfer-encoding") {
            guard lengths.isEmpty, !headers.contains("content-length") else {
                throw HTTPParseError(status: 400, "the request has both Transfer-Encoding and Content-Length")
            }
            guard codings.map({ $0.lowercased() }) == ["chunked"] else {
                throw HTTPParseError(status: 501, "Transfer-Encoding \(codings.joined(separator: ", ")) is not supported; send a Content-Length body")
            }
            throw HTTPParseError(status: 411, "chunked request bodies are not accepted; send a Content-Length")
        }
        guard let first = lengths.first else {
            guard !headers.contains("content-length") else { throw HTTPParseError(status: 400, "Content-Length is empty") }
            return 0
        }
        guard lengths.allSatisfy({ $0 == first }) else { throw HTTPParseError(status: 400, "the request has conflicting Content-Length values") }
        guard first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw HTTPParseError(status: 400, "Content-Length \(first) is not a number") }
        guard let length = Int(first), length <= limits.bodyBytes else {
            throw HTTPParseError(status: 413, "the request body is larger than \(limits.bodyBytes) bytes")
        }
        return length
    }

    private static func target(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> (raw: String, path: String, query: [(name: String, value: String)]) {
        guard bytes.first == UInt8(ascii: "/"), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(status: 400, "the request target must be a path starting with /")
        }
        let raw = String(decoding: bytes, as: UTF8.self)
        let pathPart = bytes.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard let path = percentDecoded(pathPart, plusIsSpace: false), !path.contains("\0") else {
            throw HTTPParseError(status: 400, "the request path has an invalid percent escape")
        }
        var query: [(name: String, value: String)] = []
        if let mark = bytes.firstIndex(of: UInt8(ascii: "?")) {
            let queryPart = bytes[(mark + 1)...].prefix { $0 != UInt8(ascii: "#") }
            for item in queryPart.split(separator: UInt8(ascii: "&")) {
                let pieces = item.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = percentDecoded(pieces[0], plusIsSpace: true),
                      let value = percentDecoded(pieces.count > 1 ? pieces[1] : [], plusIsSpace: true) else {
                    throw HTTPParseError(status: 400, "the query has an invalid percent escape")
                }
                query.append((name, value))
            }
        }
        return (raw, path, query)
    }

    /// nil for a bad escape or bytes that are not UTF-8 once decoded.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                decoded.append(high << 4 | low)
                index += 3
                continue
            }
            decoded.append(plusIsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
            index += 1
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// RFC 9110 section 5.6.2 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
