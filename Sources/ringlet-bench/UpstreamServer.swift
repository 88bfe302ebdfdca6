import Glibc
import RingletSystem

/// A loopback TCP server for the proxy benchmark: either streams N bytes to each client, or answers
/// one `ping` line with `pong` and closes.
final class UpstreamServer: Sendable {
    enum Mode: Sendable {
        case stream(Int)
        case answer
    }

    let port: Int

    init(mode: Mode) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1024) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard listening else { fail("upstream cannot listen: \(SystemError.text(errno))") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = fd
        DetachedThread.start {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                DetachedThread.start {
                    let connection = FileDescriptor(adopting: client)
                    switch mode {
                    case .stream(let total):
                        let block = [UInt8](repeating: 0x5a, count: 256 << 10)
                        var sent = 0
                        while sent < total {
                            let n = block.withUnsafeBytes { send(client, $0.baseAddress, min($0.count, total - sent), Int32(MSG_NOSIGNAL)) }
                            if n <= 0 { break }
                            sent += n
                        }
                    case .answer:
                        var line: [UInt8] = []
                        while !line.contains(UInt8(ascii: "\n")), let chunk = try? connection.read(upTo: 64), !chunk.isEmpty { line += chunk }
                        try? connection.writeAll(Array("pong\n".utf8))
                    }
                    connection.close()
                }
            }
        }
    }
}
