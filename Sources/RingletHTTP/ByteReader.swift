import Glibc

/// Buffered reading from a connection in the shapes HTTP/1.1 framing needs: lines within
/// a byte budget, an exact number of bytes, everything up to the end of the stream. The
/// buffer keeps headers from costing a system call per byte; it grows only for a line
/// longer than itself, and the caller's line budget caps that.
struct ByteReader {
    private let connection: Connection
    private var buffer = [UInt8](repeating: 0, count: 16 << 10)
    private var start = 0
    private var end = 0

    init(connection: Connection) {
        self.connection = connection
    }

    /// A line without its CR LF (a bare LF is accepted too). `budget` is what the line may
    /// consume, terminator included; a line that would exceed it fails as soon as that is known.
    mutating func readLine(
        budget: inout Int, tooLong: @autoclosure () -> HTTPClientError, closed: @autoclosure () -> HTTPClientError
    ) throws(HTTPClientError) -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let consumed = newline + 1 - start
                guard consumed <= budget else { throw tooLong() }
                budget -= consumed
                var line = Array(buffer[start..<newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                start = newline + 1
                return line
            }
            scanned = end - start
            guard scanned < budget else { throw tooLong() }
            guard try fill() else { throw closed() }
        }
    }

    mutating func read(
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

    mutating func readToEnd(limit: Int, tooLarge: @autoclosure () -> HTTPClientError) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            if start == end {
                guard try fill() else { return body }
            }
            guard end - start <= limit - body.count else { throw tooLarge() }
            body.append(contentsOf: buffer[start..<end])
            start = end
        }
    }

    /// Hands over the bytes read from the connection but not consumed, such as those a server sent
    /// right after switching protocols, and forgets them.
    mutating func takeBuffered() -> [UInt8] {
        defer { start = end }
        return Array(buffer[start..<end])
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
        let result = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(HTTPClientError) in
                try connection.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
        }
        let received = try result.get()
        self.end += received
        return received > 0
    }
}
