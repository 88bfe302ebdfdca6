import Glibc
import RingletSystem
import Synchronization

/// What a child wrote, read from a descriptor (a pty master or a pipe) on a thread of its own as it
/// comes, so the child never blocks on a full terminal or pipe while a test waits for it. The reading
/// stops at end of file or EIO (every replica closed); waits give up after a minute so a broken test
/// fails instead of hanging, and assert nothing about time.
final class Transcript: Sendable {
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))

    /// `fd` must stay open until the transcript has ended.
    init(reading fd: Int32) {
        DetachedThread.start { [self] in
            var chunk = [UInt8](repeating: 0, count: 16 << 10)
            while true {
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, -1) < 0 && errno != EINTR { break }
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    state.withLock { $0.bytes += chunk[0 ..< n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    break
                }
            }
            state.withLock { $0.ended = true }
        }
    }

    var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

    /// True once the text contains `marker`; false if the descriptor ended or a minute passed first.
    func waitFor(_ marker: String) -> Bool {
        wait { text, _ in text.contains(marker) }
    }

    /// Everything read, once the descriptor ended; nil if it had not after a minute.
    func waitForEnd() -> String? {
        wait { _, ended in ended } ? text : nil
    }

    private func wait(until done: (String, Bool) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let (text, ended) = state.withLock { (String(decoding: $0.bytes, as: UTF8.self), $0.ended) }
            if done(text, ended) { return true }
            if ended { return false }
            usleep(10_000)
        }
        return false
    }
}
