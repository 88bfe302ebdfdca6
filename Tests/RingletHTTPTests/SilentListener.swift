import Glibc

/// A TCP socket on 127.0.0.1 that listens but never accepts. The kernel still completes
/// connections into the backlog, so a client connects, sends, and then hears nothing: a
/// server that never answers, without any timing in the test.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(descriptor >= 0, "socket failed")
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        precondition(bound, "bind/listen failed")
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }

    /// A port nothing listens on: bound to reserve a free number, then released.
    static func closedPort() -> Int {
        SilentListener().port
    }
}
