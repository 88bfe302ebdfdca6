import Glibc

/// Parses one HTTP/1.1 response from a connection: the status line and header fields
/// (skipping 1xx interim responses) within a 64 KiB budget, then a body delimited by
/// `Transfer-Encoding: chunked`, `Content-Length` or the end of the connection, within the
/// client's body limit. Reads go through a buffer so headers are not parsed one system
/// call per byte; the buffer only grows for a header line longer than itself, and the
/// header budget caps that.
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
    private var buffer = [UInt8](repeating: 0, count: 16 << 10)
    private var start = 0
    private var end = 0

    init(connection: Connection, maxBodyBytes: Int) {
        self.connection = connection
        self.maxBodyBytes = maxBodyBytes
    }

    private var url: HTTPURL { connection.url }

    /// The budget is shared by interim responses so a server cannot send 1xx forever.
    mutating func readHead() throws(HTTPClientError) -> Head {
        var budget = Self.maxHeaderBytes
        while true {
            let head = try readOneHead(budget: &budget)
            switch head.status {
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
            try read(length, appendingTo: &body) { received in
                .truncatedResponse(url, reason: "the connection closed after \(received) of \(length) body bytes")
            }
            return body
        }
        return try readUntilClose()
    }

    private mutating func readOneHead(budget: inout Int) throws(HTTPClientError) -> Head {
        let url = url
        let statusLine = try readLine(
            budget: &budget, tooLong: .headersTooLarge(url, limit: Self.maxHeaderBytes),
            closed: .truncatedResponse(url, reason: "the server closed the connection without a complete response"))
        let (status, reason) = try parseStatusLine(statusLine)
        var headers: [HTTPHeader] = []
        while true {
            let line = try readLine(
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
        let url = url
        var body: [UInt8] = []
        let cutOff = HTTPClientError.truncatedResponse(url, reason: "the connection closed in the middle of the chunked body")
        while true {
            var lineBudget = Self.maxChunkLineBytes
            let line = try readLine(
                budget: &lineBudget, tooLong: .malformedResponse(url, reason: "a chunk-size line is longer than 4 KiB"),
                closed: cutOff)
            // Chunk extensions (after ';') carry nothing a GET needs.
            let sizeField = Self.trimmed(line.prefix { $0 != UInt8(ascii: ";") })
            guard !sizeField.isEmpty, sizeField.count <= 15, let size = Int(Self.text(sizeField), radix: 16) else {
                throw .malformedResponse(url, reason: "invalid chunk size line \(Self.quoted(line))")
            }
            if size == 0 { break }
            guard size <= maxBodyBytes - body.count else { throw .bodyTooLarge(url, limit: maxBodyBytes) }
            try read(size, appendingTo: &body) { _ in cutOff }
            var terminatorBudget = 2
            let notTerminated = HTTPClientError.malformedResponse(url, reason: "chunk data is not followed by CRLF")
            guard try readLine(budget: &terminatorBudget, tooLong: notTerminated, closed: cutOff).isEmpty else {
                throw notTerminated
            }
        }
        // Trailer fields are read to find the end and then dropped: nothing fetched here needs
        // them, and letting the end of a body change its headers would invite confusion.
        var trailerBudget = Self.maxHeaderBytes
        while try !readLine(budget: &trailerBudget, tooLong: .headersTooLarge(url, limit: Self.maxHeaderBytes), closed: cutOff).isEmpty {}
        return body
    }

    private mutating func readUntilClose() throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            if start == end {
                guard try fill() else { break }
            }
            guard end - start <= maxBodyBytes - body.count else { throw .bodyTooLarge(url, limit: maxBodyBytes) }
            body.append(contentsOf: buffer[start..<end])
            start = end
        }
        // Without close_notify an attacker could have cut the body short, and here the end of
        // the connection is the only thing marking the end of the body.
        guard !connection.closedWithoutCloseNotify else {
            throw .truncatedResponse(url, reason: "the server closed the TLS connection without close_notify, so the body may be incomplete")
        }
        return body
    }

    private mutating func read(
        _ count: Int, appendingTo body: inout [UInt8], closed: (_ received: Int) -> HTTPClientError
    ) throws(HTTPClientError) {
        var remaining = count
        while remaining > 0 {
            if start == end {
                guard try fill() else { throw closed(count - remaining) }
            }
            let taken = min(remaining, end - start)
            body.append(contentsOf: buffer[start..<(start + taken)])
            start += taken
            remaining -= taken
        }
    }

    /// A line without its CR LF (a bare LF is accepted too). `budget` is what the line may
    /// consume, terminator included; a line that would exceed it fails as soon as that is known.
    private mutating func readLine(
        budget: inout Int, tooLong: @autoclosure () -> HTTPClientError, closed: @autoclosure () -> HTTPClientError
    ) throws(HTTPClientError) -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)..<end].firstIndex(of: .lineFeed) {
                let consumed = newline + 1 - start
                guard consumed <= budget else { throw tooLong() }
                budget -= consumed
                var line = Array(buffer[start..<newline])
                if line.last == .carriageReturn { line.removeLast() }
                start = newline + 1
                return line
            }
            scanned = end - start
            guard scanned < budget else { throw tooLong() }
            guard try fill() else { throw closed() }
        }
    }

    /// Reads more bytes after those not yet consumed; false at the end of the stream.
    private mutating func fill() throws(HTTPClientError) -> Bool {
        if start > 0 {
            let (start, unread) = (start, end - start)
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, unread)
            }
            (self.start, end) = (0, unread)
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let connection = connection
        let end = end
        let count = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(HTTPClientError) in
                try connection.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
        }
        let received = try count.get()
        self.end += received
        return received > 0
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
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
}
