/// Parses one HTTP/1.1 response from a connection: the status line and header fields
/// (skipping 1xx interim responses) within a 64 KiB budget, then a body delimited by
/// `Transfer-Encoding: chunked`, `Content-Length` or the end of the connection, within the
/// client's body limit. Anything that does not follow RFC 9112 closely enough to be read
/// unambiguously is rejected rather than guessed at.
struct ResponseReader {
    struct Head {
        var status: Int
        var reason: String
        var headers: [HTTPHeader]
    }

    static let maxHeaderBytes = 64 << 10
    /// A chunk-size line holds a number and rarely used extensions; 4 KiB is generous.
    static let maxChunkLineBytes = 4 << 10

    private let connection: Connection
    private let maxBodyBytes: Int
    private var bytes: ByteReader

    init(connection: Connection, maxBodyBytes: Int) {
        self.connection = connection
        self.maxBodyBytes = maxBodyBytes
        bytes = ByteReader(connection: connection)
    }

    private var url: HTTPURL { connection.url }

    /// The budget is shared by interim responses so a server cannot send 1xx forever. A 101 is the
    /// final answer to a request that asked to switch protocols, and a protocol error otherwise.
    mutating func readHead(upgradeRequested: Bool = false) throws(HTTPClientError) -> Head {
        var budget = Self.maxHeaderBytes
        while true {
            let head = try readOneHead(budget: &budget)
            switch head.status {
            case 101 where upgradeRequested:
                return head
            case 101:
                throw .malformedResponse(url, reason: "the server switched protocols (101) although none was requested")
            case 100..<200:
                continue
            default:
                return head
            }
        }
    }

    mutating func readBody(for head: Head) throws(HTTPClientError) -> [UInt8] {
        if head.status == 204 || head.status == 304 { return [] }
        let codings = values(of: "Transfer-Encoding", in: head.headers).map { $0.lowercased() }
        if !codings.isEmpty {
            // Accept-Encoding: identity was sent, so anything but chunked is a broken server.
            guard codings == ["chunked"] else {
                throw .malformedResponse(url, reason: "unsupported Transfer-Encoding \"\(codings.joined(separator: ", "))\"")
            }
            return try readChunkedBody()
        }
        if let length = try contentLength(head.headers) {
            let url = url
            guard length <= maxBodyBytes else { throw .bodyTooLarge(url, limit: maxBodyBytes) }
            var body: [UInt8] = []
            body.reserveCapacity(length)
            try bytes.read(length, appendingTo: &body) { received in
                .truncatedResponse(url, reason: "the connection closed after \(received) of \(length) body bytes")
            }
            return body
        }
        return try readUntilClose()
    }

    /// What arrived after the head and was not read as a body: after a 101, the new protocol's first bytes.
    mutating func takeBuffered() -> [UInt8] {
        bytes.takeBuffered()
    }

    private mutating func readOneHead(budget: inout Int) throws(HTTPClientError) -> Head {
        // Copied so the error autoclosures do not capture self while `bytes` is mutated.
        let url = url
        let statusLine = try bytes.readLine(
            budget: &budget, tooLong: .headersTooLarge(url, limit: Self.maxHeaderBytes),
            closed: .truncatedResponse(url, reason: "the server closed the connection without a complete response"))
        let (status, reason) = try parseStatusLine(statusLine)
        var headers: [HTTPHeader] = []
        while true {
            let line = try bytes.readLine(
                budget: &budget, tooLong: .headersTooLarge(url, limit: Self.maxHeaderBytes),
                closed: .truncatedResponse(url, reason: "the connection closed in the middle of the response headers"))
            guard let first = line.first else { break }
            if first == .space || first == .tab {
                // Obsolete line folding: RFC 9112 says to join it with a space.
                guard !headers.isEmpty else {
                    throw .malformedResponse(url, reason: "the first header line \(Self.quoted(line)) is indented")
                }
                headers[headers.count - 1].value += " " + Self.text(Self.trimmed(line[...]))
                continue
            }
            headers.append(try parseField(line))
        }
        return Head(status: status, reason: reason, headers: headers)
    }

    private func parseStatusLine(_ line: [UInt8]) throws(HTTPClientError) -> (Int, String) {
        let digits = line.dropFirst(9).prefix(3)
        guard line.starts(with: "HTTP/1.".utf8), line.count >= 12, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[7]),
              line[8] == .space, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              line.count == 12 || line[12] == .space, let status = Int(Self.text(digits)), status >= 100
        else {
            throw .malformedResponse(url, reason: "the status line \(Self.quoted(line)) is not HTTP/1.x")
        }
        return (status, Self.text(line.dropFirst(13)))
    }

    private func parseField(_ line: [UInt8]) throws(HTTPClientError) -> HTTPHeader {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy(Self.isTokenCharacter)
        else {
            throw .malformedResponse(url, reason: "the header line \(Self.quoted(line)) has no valid field name")
        }
        return HTTPHeader(name: Self.text(line[..<colon]), value: Self.text(Self.trimmed(line[(colon + 1)...])))
    }

    private func values(of name: String, in headers: [HTTPHeader]) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }
            .flatMap { $0.value.split(separator: ",") }
            .map { Self.text(Self.trimmed(ArraySlice($0.utf8))) }
            .filter { !$0.isEmpty }
    }

    /// Repeated identical values are allowed (RFC 9110 section 8.6); differing ones would
    /// make the body's end ambiguous, the root of response smuggling.
    private func contentLength(_ headers: [HTTPHeader]) throws(HTTPClientError) -> Int? {
        let lengths = values(of: "Content-Length", in: headers)
        guard let first = lengths.first else { return nil }
        guard lengths.allSatisfy({ $0 == first }), first.count <= 18, first.allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(first)
        else {
            throw .malformedResponse(url, reason: "invalid Content-Length \"\(lengths.joined(separator: ", "))\"")
        }
        return length
    }

    private mutating func readChunkedBody() throws(HTTPClientError) -> [UInt8] {
        // Copied so the error autoclosures do not capture self while `bytes` is mutated.
        let url = url
        var body: [UInt8] = []
        let cutOff = HTTPClientError.truncatedResponse(url, reason: "the connection closed in the middle of the chunked body")
        while true {
            var lineBudget = Self.maxChunkLineBytes
            let line = try bytes.readLine(
                budget: &lineBudget, tooLong: .malformedResponse(url, reason: "a chunk-size line is longer than 4 KiB"),
                closed: cutOff)
            // Chunk extensions (after ';') carry nothing a GET needs.
            let sizeField = Self.trimmed(line.prefix { $0 != UInt8(ascii: ";") })
            guard !sizeField.isEmpty, sizeField.count <= 15, let size = Int(Self.text(sizeField), radix: 16) else {
                throw .malformedResponse(url, reason: "invalid chunk size line \(Self.quoted(line))")
            }
            if size == 0 { break }
            guard size <= maxBodyBytes - body.count else { throw .bodyTooLarge(url, limit: maxBodyBytes) }
            try bytes.read(size, appendingTo: &body) { _ in cutOff }
            var terminatorBudget = 2
            let notTerminated = HTTPClientError.malformedResponse(url, reason: "chunk data is not followed by CRLF")
            guard try bytes.readLine(budget: &terminatorBudget, tooLong: notTerminated, closed: cutOff).isEmpty else {
                throw notTerminated
            }
        }
        // Trailer fields are read to find the end and then dropped: nothing fetched here needs
        // them, and letting the end of a body change its headers would invite confusion.
        var trailerBudget = Self.maxHeaderBytes
        while try !bytes.readLine(budget: &trailerBudget, tooLong: .headersTooLarge(url, limit: Self.maxHeaderBytes), closed: cutOff).isEmpty {}
        return body
    }

    private mutating func readUntilClose() throws(HTTPClientError) -> [UInt8] {
        let tooLarge = HTTPClientError.bodyTooLarge(url, limit: maxBodyBytes)
        let body = try bytes.readToEnd(limit: maxBodyBytes, tooLarge: tooLarge)
        // Without close_notify an attacker could have cut the body short, and here the end of
        // the connection is the only thing marking the end of the body.
        guard !connection.closedWithoutCloseNotify else {
            throw .truncatedResponse(url, reason: "the server closed the TLS connection without close_notify, so the body may be incomplete")
        }
        return body
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == .space || byte == .tab }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return []
        }
        return bytes[first...last]
    }

    private static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A received line for an error message: shortened, with control characters made visible.
    private static func quoted(_ line: [UInt8]) -> String {
        let visible = line.prefix(80).map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        return "\"\(text(visible))\(line.count > 80 ? "…" : "")\""
    }
}

private extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
}
