import Glibc

/// A blocking client that sends exactly the bytes a test gives it, for what well-behaved clients
/// never send (pipelined heads, half a head, unmasked frames). Reads give up after 15 s, so a server
/// bug shows up as a failed expectation rather than a hung test.
final class RawClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let descriptor: Int32
    private var buffered: [UInt8] = []
    private var isClosed = false

    init(port: Int, host: String = "127.0.0.1") throws {
        let v6 = host.contains(":")
        descriptor = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status: Int32
        if v6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr(host)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw Failure(description: "connect \(host):\(port): errno \(code)")
        }
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 { if errno == EINTR { continue }; return false }
            offset += count
        }
        return true
    }

    /// Reads more into the buffer; false at the end of the stream, an error or the timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffered += chunk[..<count]
            return true
        }
    }

    /// Exactly `count` bytes, or nil when the stream ends first.
    func read(_ count: Int) -> [UInt8]? {
        while buffered.count < count { guard fill() else { return nil } }
        defer { buffered.removeFirst(count) }
        return Array(buffered[..<count])
    }

    /// Everything until the server closes (or 15 s pass).
    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { buffered = [] }
        return buffered
    }

    /// Whether the server closed the connection, as seen by a read that returns no data.
    func isClosedByServer() -> Bool {
        buffered = []
        return !fill()
    }

    /// One response with a Content-Length body (or none for 101/204), or nil when the stream ends first.
    func readResponse(bodyless: Bool = false) -> Response? {
        var headEnd: Int?
        while headEnd == nil {
            if let index = find([13, 10, 13, 10]) { headEnd = index; break }
            guard fill() else { return nil }
        }
        let head = String(decoding: buffered[..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + 4)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var length = 0
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].filter { $0 != " " }) ?? 0
            }
        }
        if bodyless { length = 0 }
        guard let body = read(length) else { return nil }
        return Response(status: status, head: head, body: body)
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffered.count >= needle.count else { return nil }
        for index in 0...(buffered.count - needle.count) where Array(buffered[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }
}
