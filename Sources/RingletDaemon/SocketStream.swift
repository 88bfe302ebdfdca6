import COpenSSL
import Glibc
import RingletCrypto
import RingletSystem

/// One accepted connection's bytes, plain or TLS, on the event loop: it owns the descriptor and the
/// `SSL` object and turns readiness into `onReceive` calls and queued output into writes. HTTP and
/// WebSocket sit on top of it, so an upgrade only swaps the callbacks while the socket, its TLS
/// state and its registration stay put. OpenSSL's WANT_READ/WANT_WRITE are mapped onto epoll
/// interest, since a TLS read may need the socket writable and a write may need it readable.
/// Every path that ends the connection goes through `close()`, which deregisters, frees the `SSL`
/// and closes the descriptor exactly once and then calls `onClose` exactly once.
final class SocketStream {
    let peer: String
    let isTLS: Bool
    private let loop: EventLoop
    private let fd: Int32
    private let writeTimeout: Duration
    private var tls: OpaquePointer?
    private var handshaking: Bool
    /// close_notify may only be sent after a completed handshake and no fatal error.
    private var tlsCanShutDown = false
    private var handshakeWantsWrite = false
    private var readWantsWrite = false
    private var writeWantsRead = false
    private var outbound: [UInt8] = []
    private var outboundStart = 0
    private var interest: EventLoop.Events = .readable
    private var writeTimer: EventLoop.Timer?
    /// Set once our side is finished: output is flushed, then the write side is shut and input discarded.
    private var closingAfterFlush = false
    private var lingering = false
    private var lingerTime: Duration = .zero
    private(set) var isClosed = false

    var onReceive: ([UInt8]) -> Void = { _ in }
    /// Called after output made progress, with what is still queued.
    var onWritten: (Int) -> Void = { _ in }
    /// Called once when the connection is gone, whoever ended it; `reason` is for logs.
    var onClose: (_ reason: String) -> Void = { _ in }
    /// The server's bookkeeping, called after `onClose`; unlike the others it survives an upgrade.
    var onFinished: () -> Void = {}

    /// While paused nothing is read, so a client cannot make the server buffer more than its limits;
    /// the kernel's buffers then push back on the client.
    var isReadingPaused = false {
        didSet {
            guard oldValue != isReadingPaused, !isClosed else { return }
            updateInterest()
            // TLS may hold decrypted bytes that epoll cannot see.
            if !isReadingPaused { loop.schedule(after: .zero) { [weak self] in self?.readAvailable() } }
        }
    }

    var pendingOutput: Int { outbound.count - outboundStart }

    /// Takes ownership of `fd`; on a registration failure it is closed before the error is thrown.
    init(fd: Int32, peer: String, loop: EventLoop, tls context: ServerTLS?, writeTimeout: Duration) throws(SystemError) {
        self.fd = fd
        self.peer = peer
        self.loop = loop
        self.writeTimeout = writeTimeout
        isTLS = context != nil
        handshaking = context != nil
        if let context {
            ERR_clear_error()
            guard let tls = SSL_new(context.context) else {
                ERR_clear_error()
                Glibc.close(fd)
                throw .call(operation: "SSL_new", path: nil, errno: ENOMEM)
            }
            guard SSL_set_fd(tls, fd) == 1 else {
                SSL_free(tls)
                ERR_clear_error()
                Glibc.close(fd)
                throw .call(operation: "SSL_set_fd", path: nil, errno: ENOMEM)
            }
            SSL_set_accept_state(tls)
            self.tls = tls
        }
        do throws(SystemError) {
            try loop.register(fd, interest: .readable) { [unowned self] events in self.handle(events) }
        } catch {
            if let tls { SSL_free(tls) }
            Glibc.close(fd)
            throw error
        }
    }

    /// Queues `bytes` and writes what the socket takes now.
    func send(_ bytes: [UInt8]) {
        guard !isClosed, !closingAfterFlush else { return }
        outbound.append(contentsOf: bytes)
        flush()
    }

    /// Ends our side once everything queued is written: the write side is shut (after close_notify
    /// for TLS) and input is read and dropped for a short while, because closing with unread input
    /// makes the kernel send a reset that can destroy the answer before the client reads it.
    func closeWhenFlushed(linger: Duration = .seconds(2)) {
        guard !isClosed, !closingAfterFlush else { return }
        closingAfterFlush = true
        lingerTime = linger
        isReadingPaused = false
        if pendingOutput == 0 { finishWriting() }
    }

    func close(reason: String) {
        guard !isClosed else { return }
        isClosed = true
        if let writeTimer { loop.cancel(writeTimer) }
        loop.deregister(fd)
        if let tls {
            if tlsCanShutDown && !lingering { _ = SIGPIPEBlocker.run { SSL_shutdown(tls) } }
            SSL_free(tls)
            ERR_clear_error()
            self.tls = nil
        }
        Glibc.close(fd)
        outbound = []
        let onClose = self.onClose, onFinished = self.onFinished
        self.onReceive = { _ in }
        self.onWritten = { _ in }
        self.onClose = { _ in }
        self.onFinished = {}
        onClose(reason)
        onFinished()
    }

    private func handle(_ events: EventLoop.Events) {
        if events.contains(.error) { return close(reason: "socket error") }
        if handshaking { return handshake() }
        if events.contains(.writable) {
            if readWantsWrite {
                readWantsWrite = false
                readAvailable()
            }
            flush()
        }
        guard !isClosed, !events.isDisjoint(with: [.readable, .hangup]) else { return }
        if writeWantsRead {
            writeWantsRead = false
            flush()
        }
        if isReadingPaused {
            // The peer hung up while we were not reading: nothing more can be answered usefully.
            if events.contains(.hangup) { close(reason: "client hung up") }
            updateInterest()
            return
        }
        readAvailable()
    }

    private func handshake() {
        guard let tls else { return }
        ERR_clear_error()
        let result = SIGPIPEBlocker.run { SSL_do_handshake(tls) }
        if result == 1 {
            handshaking = false
            tlsCanShutDown = true
            updateInterest()
            readAvailable()
            flush()
            return
        }
        switch SSL_get_error(tls, result) {
        case SSL_ERROR_WANT_READ: handshakeWantsWrite = false
        case SSL_ERROR_WANT_WRITE: handshakeWantsWrite = true
        default:
            // Includes a plain-HTTP request on the TLS port ("http request"): that connection only fails.
            return close(reason: "TLS handshake failed: \(OpenSSLError.takeReason() ?? "connection closed")")
        }
        updateInterest()
    }

    /// Reads until the socket has nothing more, a bounded number of rounds so one busy client
    /// cannot hold the loop; level-triggered epoll (or a scheduled retry for TLS) brings it back.
    private func readAvailable() {
        guard !isClosed, !handshaking else { return }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        for _ in 0..<16 {
            guard !isClosed, !isReadingPaused || lingering else { return }
            let count = chunk.withUnsafeMutableBytes { receive(into: $0) }
            switch count {
            case .some(let count) where count > 0:
                if lingering { continue }
                onReceive(Array(chunk[..<count]))
            case .some:
                return close(reason: "client closed the connection")
            case .none:
                if !isClosed { updateInterest() }
                return
            }
        }
        if let tls, !isClosed, SSL_pending(tls) > 0 {
            loop.schedule(after: .zero) { [weak self] in self?.readAvailable() }
        }
    }

    /// Bytes read, 0 at the end of the stream, nil when nothing is available now (or the connection
    /// was closed because of an error).
    private func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard let tls else {
            while true {
                let count = recv(fd, buffer.baseAddress, buffer.count, 0)
                if count >= 0 { return count }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                close(reason: "read failed: \(SystemError.text(errno))")
                return nil
            }
        }
        ERR_clear_error()
        // Reading may write too (TLS 1.3 session tickets, key updates), so it is guarded as writes are.
        let count = SIGPIPEBlocker.run { SSL_read(tls, buffer.baseAddress, Int32(clamping: buffer.count)) }
        if count > 0 { return Int(count) }
        switch SSL_get_error(tls, count) {
        case SSL_ERROR_WANT_READ:
            return nil
        case SSL_ERROR_WANT_WRITE:
            readWantsWrite = true
            return nil
        case SSL_ERROR_ZERO_RETURN:
            return 0
        default:
            tlsCanShutDown = false
            close(reason: "TLS read failed: \(OpenSSLError.takeReason() ?? "connection closed")")
            return nil
        }
    }

    private func flush() {
        guard !isClosed, !handshaking, !writeWantsRead, !lingering else { return }
        let before = pendingOutput
        while pendingOutput > 0 {
            let length = min(pendingOutput, 64 << 10)
            let written = outbound.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[outboundStart..<outboundStart + length])) }
            guard let written, !isClosed else { break }
            outboundStart += written
        }
        if isClosed { return }
        if pendingOutput == 0 {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 1 << 20)
            outboundStart = 0
        } else if outboundStart > 1 << 20 {
            outbound.removeFirst(outboundStart)
            outboundStart = 0
        }
        let progressed = pendingOutput < before
        if progressed || pendingOutput == 0, let timer = writeTimer {
            loop.cancel(timer)
            writeTimer = nil
        }
        if pendingOutput > 0, writeTimer == nil {
            writeTimer = loop.schedule(after: writeTimeout) { [weak self] in
                guard let self else { return }
                writeTimer = nil
                close(reason: "client did not read for \(writeTimeout)")
            }
        }
        updateInterest()
        if progressed { onWritten(pendingOutput) }
        if closingAfterFlush, pendingOutput == 0, !isClosed { finishWriting() }
    }

    /// Bytes written, or nil when the socket takes nothing now (or the connection was closed).
    private func write(_ buffer: UnsafeRawBufferPointer) -> Int? {
        guard let tls else {
            while true {
                let count = Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                if count >= 0 { return count }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                close(reason: "write failed: \(SystemError.text(errno))")
                return nil
            }
        }
        ERR_clear_error()
        let count = SIGPIPEBlocker.run { SSL_write(tls, buffer.baseAddress, Int32(clamping: buffer.count)) }
        if count > 0 { return Int(count) }
        switch SSL_get_error(tls, count) {
        case SSL_ERROR_WANT_WRITE:
            return nil
        case SSL_ERROR_WANT_READ:
            writeWantsRead = true
            return nil
        default:
            tlsCanShutDown = false
            close(reason: "TLS write failed: \(OpenSSLError.takeReason() ?? "connection closed")")
            return nil
        }
    }

    private func finishWriting() {
        guard !lingering else { return }
        if let tls, tlsCanShutDown {
            ERR_clear_error()
            _ = SIGPIPEBlocker.run { SSL_shutdown(tls) }
            ERR_clear_error()
        }
        lingering = true
        shutdown(fd, Int32(SHUT_WR))
        updateInterest()
        // A stalled flush is bounded by the write timeout; this bounds waiting for the client's end.
        loop.schedule(after: lingerTime) { [weak self] in self?.close(reason: "closed") }
    }

    private func updateInterest() {
        guard !isClosed else { return }
        var wanted: EventLoop.Events = []
        if handshaking {
            wanted = handshakeWantsWrite ? [.readable, .writable] : .readable
        } else {
            if !isReadingPaused || writeWantsRead || lingering { wanted.insert(.readable) }
            if (pendingOutput > 0 && !writeWantsRead && !lingering) || readWantsWrite { wanted.insert(.writable) }
        }
        guard wanted != interest else { return }
        interest = wanted
        loop.modify(fd, interest: wanted)
    }
}
