import CRingletShim
import Glibc
import RingletSystem

/// The few socket operations the proxy needs, each with a deadline, on an owned descriptor:
/// listen (TCP on loopback or a unix socket), accept, connect with a timeout, read and write that give
/// up when the peer goes quiet.
enum StreamSocket {
    static func listenTCP(host: String, port: Int) throws(ProxyError) -> (FileDescriptor, Int) {
        guard case .v4(let value)? = IPAddress(parsing: host) else {
            throw .cannotListen("\(host):\(port)", reason: "give an IPv4 address such as 127.0.0.1")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen("\(host):\(port)", reason: SystemError.text(errno)) }
        let socket = FileDescriptor(adopting: fd)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = value.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 512) == 0 else { throw .cannotListen("\(host):\(port)", reason: SystemError.text(errno)) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A unix socket only its owner may connect to: created in a 0700 folder, then chmod 0600.
    static func listenUnix(path: String) throws(ProxyError) -> FileDescriptor {
        guard path.utf8.count < 108 else { throw .cannotListen(path, reason: "the path is longer than a unix socket allows (107 bytes)") }
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        do throws(SystemError) {
            try Directory.create(folder.isEmpty ? "/" : folder, mode: 0o700)
        } catch {
            throw .cannotListen(path, reason: error.description)
        }
        if !folder.isEmpty { chmod(folder, 0o700) }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen(path, reason: SystemError.text(errno)) }
        let socket = FileDescriptor(adopting: fd)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard bound == 0, chmod(path, 0o600) == 0, listen(fd, 512) == 0 else {
            throw .cannotListen(path, reason: SystemError.text(errno))
        }
        return socket
    }

    /// Connects to a unix socket.
    static func connectUnix(_ path: String) -> FileDescriptor? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0, path.utf8.count < 108 else { return nil }
        let socket = FileDescriptor(adopting: fd)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0 ? socket : nil
    }

    /// Connects to `address:port`, giving up after `timeout`.
    static func connect(to address: IPAddress, port: Int, timeout: Duration) -> Result<FileDescriptor, SystemError> {
        let family = if case .v4 = address { AF_INET } else { AF_INET6 }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.call(operation: "create a socket", path: nil, errno: errno)) }
        let socket = FileDescriptor(adopting: fd)
        // Linux bounds a blocking connect by the send timeout: no non-blocking dance needed.
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var status: Int32
        switch address {
        case .v4(let value):
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = in_port_t(UInt16(port).bigEndian)
            target.sin_addr.s_addr = value.bigEndian
            status = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let bytes):
            var target = sockaddr_in6()
            target.sin6_family = sa_family_t(AF_INET6)
            target.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: bytes) }
            status = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if status != 0 {
            let code = errno == EINPROGRESS || errno == EAGAIN ? ETIMEDOUT : errno
            return .failure(.call(operation: "connect to", path: "\(address):\(port)", errno: code))
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return .success(socket)
    }

    /// Reads what is there, waiting at most `timeout`; nil on timeout or error, [] at end of stream.
    static func read(_ socket: FileDescriptor, upTo count: Int, timeout: Duration) -> [UInt8]? {
        var poller = pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat { ready = poll(&poller, 1, milliseconds(timeout)) } while ready < 0 && errno == EINTR
        guard ready == 1 else { return nil }
        return try? socket.read(upTo: count)
    }

    /// Writes everything, or gives up when the peer takes nothing for `timeout`.
    static func write(_ socket: FileDescriptor, _ bytes: ArraySlice<UInt8>, timeout: Duration) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            var poller = pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, milliseconds(timeout)) == 1 else { return false }
            let written = bytes[offset...].withUnsafeBytes { send(socket.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += written
        }
        return true
    }

    static func accept(_ listener: FileDescriptor) -> FileDescriptor? {
        while true {
            let fd = ringlet_accept_cloexec(listener.rawValue)
            if fd >= 0 { return FileDescriptor(adopting: fd) }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors: back off instead of spinning; the listener stays up.
                usleep(10_000)
                continue
            default: return nil
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
