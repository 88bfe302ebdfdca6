import Glibc

/// A non-blocking TCP socket that owns its file descriptor and closes it exactly once, in
/// `deinit`. It stays non-blocking after connecting because OpenSSL and plain reads then
/// share one way of waiting: `poll` with the client's timeout, so no step can hang.
final class Socket {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Tries every address the host resolves to, in the resolver's order, and reports the
    /// last failure only when none accepts: a name often maps to an IPv6 address the
    /// server does not listen on before the IPv4 one it does.
    static func connect(to url: HTTPURL, timeout: Duration) throws(HTTPClientError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV | (url.isIPAddress ? AI_NUMERICHOST : AI_ADDRCONFIG)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(url.host, String(url.port), &hints, &list)
        guard status == 0, let list else {
            let reason = status == EAI_SYSTEM ? reason(errno) : lowercasingFirst(String(cString: gai_strerror(status)))
            throw .cannotResolve(host: url.host, reason: reason)
        }
        defer { freeaddrinfo(list) }

        var failure = HTTPClientError.cannotConnect(url, reason: "the host has no usable address")
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let address = next?.pointee {
            next = address.ai_next
            let descriptor = socket(
                address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue),
                address.ai_protocol)
            guard descriptor >= 0 else {
                failure = .cannotConnect(url, reason: Socket.reason(errno))
                continue
            }
            let candidate = Socket(descriptor: descriptor)
            // A non-blocking connect interrupted by a signal keeps going in the background,
            // exactly like EINPROGRESS.
            if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 { return candidate }
            guard errno == EINPROGRESS || errno == EINTR else {
                failure = .cannotConnect(url, reason: Socket.reason(errno))
                continue
            }
            guard candidate.wait(for: POLLOUT, timeout: timeout) else {
                failure = .timedOut(url, after: timeout, stage: .connecting)
                continue
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
            if error == 0 { return candidate }
            failure = .cannotConnect(url, reason: Socket.reason(error))
        }
        throw failure
    }

    /// Waits until the socket is ready for `events`; false means the timeout expired.
    /// Errors and hang-ups count as ready, so the next read or write reports them.
    func wait(for events: Int32, timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            // Polls at least once even past the deadline, so a thread that was descheduled
            // for longer than the timeout still sees a socket that is already ready.
            let remaining = max(clock.now.duration(to: deadline), .zero)
            var entry = pollfd(fd: descriptor, events: Int16(events), revents: 0)
            let result = poll(&entry, 1, Self.milliseconds(remaining))
            if result > 0 { return true }
            if result == 0 { return false }
            if errno != EINTR { return true }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        recv(descriptor, buffer.baseAddress, buffer.count, 0)
    }

    /// MSG_NOSIGNAL turns a write to a closed connection into EPIPE instead of SIGPIPE.
    func send(_ buffer: UnsafeRawBufferPointer) -> Int {
        Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
    }

    /// The `strerror` text in lower case, to read naturally inside a sentence.
    static func reason(_ code: Int32) -> String {
        lowercasingFirst(String(cString: strerror(code)))
    }

    static func lowercasingFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Rounds up so a sub-millisecond remainder still waits instead of spinning.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
