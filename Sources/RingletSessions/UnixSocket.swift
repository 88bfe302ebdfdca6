import CRingletShim
import Glibc
import RingletSystem

/// The unix stream socket calls a session needs: a listener only its owner may reach, a connect, an
/// accept and a send that never raise SIGPIPE, each on an owned, close-on-exec descriptor.
enum UnixSocket {
    /// Listens on `path` (0600), replacing a socket left there by a host that died.
    static func listen(path: String) throws(SystemError) -> FileDescriptor {
        guard path.utf8.count < 108 else {
            throw .call(operation: "listen on (the path is longer than the 107 bytes a unix socket allows)", path: path, errno: ENAMETOOLONG)
        }
        unlink(path)
        let socket = try make(path: path)
        let bound = withAddress(path) { bind(socket.rawValue, $0, $1) }
        guard bound == 0 else { throw .call(operation: "listen on", path: path, errno: errno) }
        guard chmod(path, 0o600) == 0, Glibc.listen(socket.rawValue, 64) == 0 else {
            let code = errno
            unlink(path)
            throw .call(operation: "listen on", path: path, errno: code)
        }
        return socket
    }

    /// A blocking socket connected to `path`; a unix socket connects at once or fails at once.
    static func connect(path: String) throws(SystemError) -> FileDescriptor {
        guard path.utf8.count < 108 else {
            throw .call(operation: "connect to (the path is longer than the 107 bytes a unix socket allows)", path: path, errno: ENAMETOOLONG)
        }
        let socket = try make(path: path)
        let connected = withAddress(path) { Glibc.connect(socket.rawValue, $0, $1) }
        guard connected == 0 else { throw .call(operation: "connect to", path: path, errno: errno) }
        return socket
    }

    /// The next waiting connection, non-blocking; nil when none is waiting (or the listener failed).
    static func accept(_ listener: FileDescriptor) -> FileDescriptor? {
        while true {
            let fd = ringlet_accept_cloexec(listener.rawValue)
            if fd >= 0 {
                setNonBlocking(fd)
                return FileDescriptor(adopting: fd)
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Bytes sent (possibly fewer than given), 0 when the socket is full, nil when the connection is gone.
    static func send(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int? {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            return errno == EAGAIN ? 0 : nil
        }
    }

    /// Bytes read; [] when none are waiting, nil at end of stream or on error.
    static func receive(_ fd: Int32, into chunk: inout [UInt8]) -> ArraySlice<UInt8>? {
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return chunk[0 ..< n] }
            if n < 0 && errno == EINTR { continue }
            return n < 0 && errno == EAGAIN ? [] : nil
        }
    }

    private static func make(path: String) throws(SystemError) -> FileDescriptor {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .call(operation: "create a socket for", path: path, errno: errno) }
        return FileDescriptor(adopting: fd)
    }

    private static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
