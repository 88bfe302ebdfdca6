import Foundation
import Glibc

/// A client that sends exactly the bytes a test gives it and reads exactly what comes back, for the
/// requests no well-behaved client sends (origin-form, garbage, silence, half a head).
final class RawClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let descriptor: Int32
    private var closed = false

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "connect 127.0.0.1:\(port): errno \(errno)")
        }
    }

    /// Connects to the unix socket at `path`.
    init(unixSocket path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "connect \(path): errno \(errno)")
        }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    /// Sends every byte; false when the peer closed or reset first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        RawClient.send(bytes, on: descriptor)
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    static func send(_ bytes: [UInt8], on descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Reads until the peer closes (or resets), or `timeout` passes; `ended` says whether the peer closed.
    func readToEnd(timeout: Duration = .seconds(30)) -> (bytes: [UInt8], ended: Bool) {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let chunk = read(until: deadline) else { return (received, false) }
            if chunk.isEmpty { return (received, true) }
            received += chunk
        }
    }

    /// Reads until the blank line ending a response head; returns the head and whatever came after it.
    func readHead(timeout: Duration = .seconds(30)) -> (head: String, rest: [UInt8])? {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        let marker = Array("\r\n\r\n".utf8)
        while true {
            if let end = received.indices.first(where: { received[$0...].starts(with: marker) }) {
                return (String(decoding: received[..<end], as: UTF8.self), Array(received[(end + 4)...]))
            }
            guard let chunk = read(until: deadline), !chunk.isEmpty else { return nil }
            received += chunk
        }
    }

    /// One read: nil on timeout, [] at the end of the stream (a reset counts as the end).
    private func read(until deadline: ContinuousClock.Instant) -> [UInt8]? {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return nil }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
        if ready < 0 && errno == EINTR { return read(until: deadline) }
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EINTR { return read(until: deadline) }
        return count <= 0 ? [] : Array(buffer[..<count])
    }

    /// Whether the peer still holds the connection open: nothing to read and no end of stream yet.
    var peerStillOpen: Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) == 0
    }

    /// Sends `bytes` from another thread while reading the answer here, the way a client that pipelines
    /// without waiting behaves; returns the answer and whether the whole flood was accepted.
    func flood(_ bytes: [UInt8], readTimeout: Duration = .seconds(60)) -> (answer: [UInt8], allSent: Bool) {
        let descriptor = descriptor
        let sent = Sent()
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) { sent.set(RawClient.send(bytes, on: descriptor)) }
        let answer = readToEnd(timeout: readTimeout).bytes
        // The proxy has closed its end: the writer stops at the reset (or has finished).
        shutdown(descriptor, Int32(SHUT_RDWR))
        _ = writer.wait(timeout: .now() + 60)
        return (answer, sent.value)
    }

    private final class Sent: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = false
        func set(_ value: Bool) { lock.withLock { stored = value } }
        var value: Bool { lock.withLock { stored } }
    }
}

/// A response as read off the wire: status, headers (names lower-cased) and body.
struct RawResponse: CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: String
    let text: String

    init?(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else { return nil }
        self.status = status
        headers = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        body = String(text[split.upperBound...])
    }

    var description: String { text.count > 2000 ? String(text.prefix(2000)) + "…" : text }
}

extension RawClient {
    /// Sends `request` and reads the whole answer (the proxy closes after answering).
    func exchange(_ request: String, timeout: Duration = .seconds(30)) -> RawResponse? {
        send(request)
        return RawResponse(readToEnd(timeout: timeout).bytes)
    }
}
