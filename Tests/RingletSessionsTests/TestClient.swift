import Glibc
import RingletSessions

/// A blocking client of a session host for tests: sends frames, and reads (with poll) until what a test
/// waits for has arrived, the host hung up, or a minute passed — so a slow machine slows a test down but
/// never fails it, and a broken host fails it instead of hanging.
final class TestClient {
    private(set) var fd: Int32
    private var decoder = SessionFrameDecoder()
    private(set) var messages: [SessionHostMessage] = []
    /// Every output byte received, replayed or live.
    private(set) var output: [UInt8] = []
    /// How much of `output` had arrived when `replayEnd` came.
    private(set) var replayed: [UInt8]?
    private(set) var hungUp = false

    init(socketPath: String) throws(SessionError) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .unreachable(session: socketPath, reason: String(cString: strerror(code)))
        }
    }

    deinit { close() }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    func send(_ message: SessionHostMessage) {
        sendRaw(message.encoded())
    }

    func sendRaw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }

    func type(_ text: String) { send(.input(Array(text.utf8))) }

    var text: String { String(decoding: output, as: UTF8.self) }

    var replayText: String? { replayed.map { String(decoding: $0, as: UTF8.self) } }

    var exitCode: Int32? {
        for case .exit(let code) in messages { return code }
        return nil
    }

    /// Attaches and waits for the replay to end.
    @discardableResult
    func attach(replay: Bool = true) -> Bool {
        send(.attach(address: "test", replay: replay))
        return waitUntil { $0.replayed != nil }
    }

    func waitForOutput(containing marker: String) -> Bool {
        let needle = Array(marker.utf8)
        var searchedUpTo = 0
        // Only what arrived since the last look is searched, through a raw buffer, so megabytes of output stay cheap.
        return waitUntil { client in
            let start = max(0, searchedUpTo - needle.count)
            searchedUpTo = client.output.count
            return client.output.withUnsafeBufferPointer { haystack in
                guard haystack.count >= needle.count else { return false }
                for index in start ... haystack.count - needle.count where haystack[index] == needle[0] {
                    if memcmp(haystack.baseAddress! + index, needle, needle.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// True once `done` holds; false if the host hung up (or a minute passed) first.
    func waitUntil(_ done: (TestClient) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        while !done(self) {
            guard !hungUp, fd >= 0, ContinuousClock.now < deadline else { return false }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 1000) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                hungUp = true
                return done(self)
            }
            decoder.append(chunk[0 ..< n])
            do {
                while let message = try decoder.next() {
                    switch message {
                    case .output(let bytes): output += bytes
                    case .replayEnd: replayed = output
                    default: messages.append(message)
                    }
                }
            } catch {
                hungUp = true
                return false
            }
        }
        return true
    }

    /// Reads until the host hangs up; true if it did within a minute.
    func waitForHangUp() -> Bool { waitUntil { $0.hungUp } }
}
