import CRingletShim
import Glibc
import RingletSystem

/// A non-blocking TCP listener and the address arithmetic around it (parsing `ADDR:PORT`, naming
/// peers as `IP:port`). Binding happens when the server is made, on the caller's thread, so a
/// port in use is an error the caller sees at once rather than a log line from the loop.
struct ListeningSocket {
    let descriptor: FileDescriptor
    /// What was bound, with the real port when 0 was asked for: `127.0.0.1:8765`, `[::1]:8765`.
    let boundAddress: String

    init(address: String) throws(DaemonError) {
        guard let (host, port) = Self.split(address) else {
            throw .listen(address: address, reason: "give an address as IP:PORT, like 127.0.0.1:8765 or [::1]:8765")
        }
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if host.contains(":") {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let parsed = withUnsafeMutableBytes(of: &storage) { raw in
                let v6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                v6.pointee.sin6_family = sa_family_t(AF_INET6)
                v6.pointee.sin6_port = in_port_t(port.bigEndian)
                return inet_pton(AF_INET6, host, &v6.pointee.sin6_addr) == 1
            }
            guard parsed else { throw .listen(address: address, reason: "\(host) is not an IPv6 address") }
        } else {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let parsed = withUnsafeMutableBytes(of: &storage) { raw in
                let v4 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                v4.pointee.sin_family = sa_family_t(AF_INET)
                v4.pointee.sin_port = in_port_t(port.bigEndian)
                return inet_pton(AF_INET, host, &v4.pointee.sin_addr) == 1
            }
            guard parsed else { throw .listen(address: address, reason: "\(host) is not an IPv4 address; give an IP, not a host name") }
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .listen(address: address, reason: SystemError.text(errno)) }
        descriptor = FileDescriptor(adopting: fd)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            let code = errno
            let hint = code == EADDRINUSE ? "; another process (maybe a running daemon) uses this port, stop it or pick another port"
                : code == EADDRNOTAVAIL ? "; this machine has no such address" : ""
            throw .listen(address: address, reason: SystemError.text(code) + hint)
        }
        guard listen(fd, 512) == 0 else { throw .listen(address: address, reason: SystemError.text(errno)) }
        boundAddress = Self.localName(fd) ?? address
    }

    /// `host` without brackets and the port, or nil when `address` is not `IP:PORT` / `[IPv6]:PORT`.
    static func split(_ address: String) -> (String, UInt16)? {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        return host.isEmpty ? nil : (host, port)
    }

    /// Accepts one connection, non-blocking and close-on-exec; nil when none is waiting (or on an error,
    /// with errno set for the caller).
    func accept() -> Int32? {
        let fd = ringlet_accept_cloexec(descriptor.rawValue)
        guard fd >= 0 else { return nil }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var on: Int32 = 1
        // Small WebSocket frames (keystrokes, terminal output) must not wait for Nagle's timer.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func localName(_ fd: Int32) -> String? {
        name(fd, getsockname)
    }

    static func peerName(_ fd: Int32) -> String? {
        name(fd, getpeername)
    }

    private static func name(_ fd: Int32, _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) } }
        guard named == 0 else { return nil }
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: &storage) { raw -> String? in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch family {
            case AF_INET:
                let v4 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                var address = v4.pointee.sin_addr
                guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return nil }
                return Self.string(text) + ":\(UInt16(bigEndian: v4.pointee.sin_port))"
            case AF_INET6:
                let v6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                var address = v6.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
                return "[" + Self.string(text) + "]:\(UInt16(bigEndian: v6.pointee.sin6_port))"
            default:
                return nil
            }
        }
    }
}
