import CRingletShim
import Glibc
import RingletSystem

/// Copies bytes both ways between a client and an upstream until both sides are done, one side goes
/// quiet for the idle timeout, or the connection outlives the total timeout. Half-closes are passed on,
/// so a client that finishes sending still gets the whole answer.
///
/// Bytes move with splice(2) through a pipe per direction, so a tunnel never copies payload through
/// user space; where splice is refused the relay falls back to read and write.
enum Relay {
    /// Returns (bytes client→upstream, bytes upstream→client).
    static func run(client: FileDescriptor, upstream: FileDescriptor, clientToUpstream: Bool = true,
                    idle: Duration, deadline: ContinuousClock.Instant) -> (up: Int, down: Int) {
        // A peer that stops reading must not hold the thread past the idle timeout.
        for socket in [client, upstream] { setSendTimeout(socket, idle) }
        var moved = [0, 0]
        var fds = [pollfd(fd: client.rawValue, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: upstream.rawValue, events: Int16(POLLIN), revents: 0)]
        if !clientToUpstream { fds[0].fd = -1 }
        var channels = [Channel(), Channel()]
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
                switch channels[index].move(from: source, to: target) {
                case .moved(let count):
                    moved[index] += count
                case .endOfStream:
                    // Upstream done: the caller closes the client once the connection is accounted for,
                    // so a client never sees the end before the proxy has let go of it.
                    if index == 1 { return (moved[0], moved[1]) }
                    fds[index].fd = -1
                    shutdown(target.rawValue, Int32(SHUT_WR))
                case .failed:
                    return (moved[0], moved[1])
                }
            }
        }
        return (moved[0], moved[1])
    }

    private static func setSendTimeout(_ socket: FileDescriptor, _ timeout: Duration) {
        var value = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(socket.rawValue, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    enum Step {
        case moved(Int), endOfStream, failed
    }

    /// One direction of a tunnel: plain copies for the first bytes (most tunnels are small, and a pipe
    /// costs system calls), then splice through a pipe once the direction has proved to be bulk.
    struct Channel {
        static let spliceAfter = 256 << 10
        private var pipe: (read: FileDescriptor, write: FileDescriptor)?
        private var buffer: [UInt8] = []
        private var spliceRefused = false
        private var copied = 0

        init() {}

        private mutating func openPipe() {
            var ends: [Int32] = [-1, -1]
            guard ringlet_pipe_cloexec(&ends) == 0 else {
                spliceRefused = true
                return
            }
            // A larger pipe moves more per splice; the kernel caps it, and a refusal is harmless.
            _ = fcntl(ends[1], 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
            pipe = (FileDescriptor(adopting: ends[0]), FileDescriptor(adopting: ends[1]))
        }

        mutating func move(from source: FileDescriptor, to target: FileDescriptor) -> Step {
            if pipe == nil && !spliceRefused && copied >= Channel.spliceAfter { openPipe() }
            if let pipe, !spliceRefused {
                let count = ringlet_splice(source.rawValue, pipe.write.rawValue, 1 << 20, 0)
                if count > 0 { return drain(pipe.read, to: target, count: count) }
                if count == 0 { return .endOfStream }
                if errno == EINTR || errno == EAGAIN { return .moved(0) }
                guard errno == EINVAL else { return .failed }
                spliceRefused = true
            }
            if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 64 << 10) }
            let count = buffer.withUnsafeMutableBytes { recv(source.rawValue, $0.baseAddress, $0.count, 0) }
            if count < 0 { return errno == EINTR ? .moved(0) : .failed }
            if count == 0 { return .endOfStream }
            let sent = buffer.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < count {
                    let n = send(target.rawValue, raw.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    offset += n
                }
                return true
            }
            copied += count
            return sent ? .moved(count) : .failed
        }

        private func drain(_ pipe: FileDescriptor, to target: FileDescriptor, count: Int) -> Step {
            var left = count
            while left > 0 {
                // No SPLICE_F_MORE towards the socket: it corks small writes for up to 200 ms.
                let n = ringlet_splice(pipe.rawValue, target.rawValue, UInt(left), 0)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return .failed }
                left -= n
            }
            return .moved(count)
        }
    }
}
