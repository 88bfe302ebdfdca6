import Glibc
import RingletSystem

/// Copies bytes both ways between a client and an upstream until both sides are done, one side goes
/// quiet for the idle timeout, or the connection outlives the total timeout. Half-closes are passed on,
/// so a client that finishes sending still gets the whole answer.
enum Relay {
    /// Returns (bytes client→upstream, bytes upstream→client).
    static func run(client: FileDescriptor, upstream: FileDescriptor, clientToUpstream: Bool = true,
                    idle: Duration, deadline: ContinuousClock.Instant) -> (up: Int, down: Int) {
        var up = 0, down = 0
        var fds = [pollfd(fd: client.rawValue, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: upstream.rawValue, events: Int16(POLLIN), revents: 0)]
        if !clientToUpstream { fds[0].fd = -1 }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let clock = ContinuousClock()
        while fds[0].fd >= 0 || fds[1].fd >= 0 {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { break }
            let ready = poll(&fds, 2, StreamSocket.milliseconds(min(idle, left)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            for index in 0 ..< 2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let source = index == 0 ? client : upstream
                let target = index == 0 ? upstream : client
                let count = buffer.withUnsafeMutableBytes { recv(source.rawValue, $0.baseAddress, $0.count, 0) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    fds[index].fd = -1
                    shutdown(target.rawValue, Int32(SHUT_WR))
                    if index == 1 { return (up, down) }
                    continue
                }
                guard StreamSocket.write(target, buffer[0 ..< count], timeout: idle) else { return (up, down) }
                if index == 0 { up += count } else { down += count }
            }
        }
        return (up, down)
    }
}
