import COpenSSL
import RingletCrypto
import Glibc

/// The transport of one request: a TCP socket, wrapped in TLS for https. Every wait goes
/// through `poll` with the client's timeout, so OpenSSL's WANT_READ/WANT_WRITE and a
/// plain socket's EAGAIN are handled alike and nothing blocks longer than the timeout.
/// It owns the `SSL` object and frees it exactly once in `deinit`, before the socket
/// underneath is closed.
final class Connection {
    let url: HTTPURL
    /// True when a TLS peer closed without close_notify; the reader decides whether the
    /// data it has is complete, because only it knows how the body is delimited.
    private(set) var closedWithoutCloseNotify = false
    private let timeout: Duration
    private let socket: Socket
    private var tls: OpaquePointer?
    /// close_notify may only be sent after a completed handshake and no fatal error.
    private var tlsCanShutDown = false

    init(to url: HTTPURL, timeout: Duration, tlsContext: TLSContext?) throws(HTTPClientError) {
        self.url = url
        self.timeout = timeout
        socket = try Socket.connect(to: url, timeout: timeout)
        if let tlsContext {
            try startTLS(tlsContext)
        }
    }

    deinit {
        guard let tls else { return }
        // Best effort on a non-blocking socket: the server may or may not get it, which is fine
        // because every request says Connection: close.
        if tlsCanShutDown { _ = SSL_shutdown(tls) }
        SSL_free(tls)
        ERR_clear_error()
    }

    func write(_ bytes: [UInt8]) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Result { () throws(HTTPClientError) in try writeSome(UnsafeRawBufferPointer(rebasing: buffer[offset...])) }
            }
            offset += try written.get()
        }
    }

    /// The socket, for a caller that waits on it with poll(2) next to other descriptors.
    var descriptor: Int32 { socket.descriptor }

    /// TLS has decrypted bytes the caller has not read yet: the socket will not become readable for
    /// them, so read before polling again.
    var hasPendingInput: Bool {
        tls.map { SSL_pending($0) > 0 } ?? false
    }

    /// Reads what is available, waiting for at least one byte; 0 means the peer closed.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int {
        while true {
            if let count = try readAvailable(into: buffer) { return count }
            try wait(for: POLLIN, stage: .receivingResponse)
        }
    }

    /// Reads what has arrived without waiting for the peer: nil when nothing has (a partial TLS record
    /// counts as nothing), 0 when the peer closed. Only a write that TLS needs in order to read waits,
    /// within the timeout.
    func readAvailable(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int? {
        guard let tls else {
            while true {
                let count = socket.receive(into: buffer)
                if count >= 0 { return count }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return nil
                case let code: throw .connectionFailed(url, reason: Socket.reason(code))
                }
            }
        }
        let length = Int32(clamping: buffer.count)
        while true {
            switch stepTLS(tls, { SSL_read(tls, buffer.baseAddress, length) }) {
            case .wantsRead:
                return nil
            case .wantsWrite:
                try wait(for: POLLOUT, stage: .receivingResponse)
            case let .finished(.done(count)):
                return Int(count)
            case .finished(.closed):
                return 0
            case .finished(.closedWithoutCloseNotify):
                closedWithoutCloseNotify = true
                return 0
            case let .finished(.failed(reason)):
                throw .connectionFailed(url, reason: reason)
            }
        }
    }

    private func writeSome(_ buffer: UnsafeRawBufferPointer) throws(HTTPClientError) -> Int {
        guard let tls else {
            while true {
                let count = socket.send(buffer)
                if count >= 0 { return count }
                try handlePlainError(errno, waitingFor: POLLOUT, stage: .sendingRequest)
            }
        }
        let length = Int32(clamping: buffer.count)
        switch try runTLS(tls, stage: .sendingRequest, { SSL_write(tls, buffer.baseAddress, length) }) {
        case let .done(count):
            return Int(count)
        case .closed, .closedWithoutCloseNotify:
            throw .connectionFailed(url, reason: "the server closed the connection before the request was sent")
        case let .failed(reason):
            throw .connectionFailed(url, reason: reason)
        }
    }

    private func handlePlainError(_ code: Int32, waitingFor events: Int32, stage: HTTPClientError.Stage) throws(HTTPClientError) {
        switch code {
        case EINTR: return
        case EAGAIN, EWOULDBLOCK: try wait(for: events, stage: stage)
        default: throw .connectionFailed(url, reason: Socket.reason(code))
        }
    }

    private func wait(for events: Int32, stage: HTTPClientError.Stage) throws(HTTPClientError) {
        guard socket.wait(for: events, timeout: timeout) else {
            throw .timedOut(url, after: timeout, stage: stage)
        }
    }

    private func startTLS(_ context: TLSContext) throws(HTTPClientError) {
        guard let tls = SSL_new(context.pointer) else {
            throw .tlsHandshakeFailed(url, reason: OpenSSLError.takeReason() ?? "OpenSSL could not create a TLS session")
        }
        self.tls = tls
        // Certificates are issued for the name without the root's trailing dot.
        let name = url.host.hasSuffix(".") ? String(url.host.dropLast()) : url.host
        let configured: Bool
        if url.isIPAddress {
            // IP literals are checked against iPAddress entries and must not be sent as SNI (RFC 6066).
            configured = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls), name) == 1
        } else {
            SSL_set_hostflags(tls, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            configured = ringlet_SSL_set_tlsext_host_name(tls, name) == 1 && SSL_set1_host(tls, name) == 1
        }
        guard configured, SSL_set_fd(tls, socket.descriptor) == 1 else {
            throw .tlsHandshakeFailed(url, reason: OpenSSLError.takeReason() ?? "OpenSSL rejected the host name \(name)")
        }
        switch try runTLS(tls, stage: .tlsHandshake, { SSL_connect(tls) }) {
        case .done:
            tlsCanShutDown = true
        case .closed, .closedWithoutCloseNotify:
            throw .tlsHandshakeFailed(url, reason: "the server closed the connection during the handshake")
        case let .failed(reason):
            let verification = SSL_get_verify_result(tls)
            guard verification == Int(X509_V_OK) else {
                let reason = X509_verify_cert_error_string(verification).map { String(cString: $0) } ?? "error \(verification)"
                throw .certificateNotTrusted(host: url.host, reason: reason)
            }
            throw .tlsHandshakeFailed(url, reason: reason)
        }
    }

    private enum TLSOutcome {
        case done(Int32)
        case closed
        case closedWithoutCloseNotify
        case failed(reason: String)
    }

    private enum TLSStep {
        case finished(TLSOutcome)
        case wantsRead
        case wantsWrite
    }

    /// Runs an OpenSSL I/O call until it completes, waiting whenever it needs the socket.
    private func runTLS(_ tls: OpaquePointer, stage: HTTPClientError.Stage, _ operation: () -> Int32) throws(HTTPClientError) -> TLSOutcome {
        while true {
            switch stepTLS(tls, operation) {
            case let .finished(outcome): return outcome
            case .wantsRead: try wait(for: POLLIN, stage: stage)
            case .wantsWrite: try wait(for: POLLOUT, stage: stage)
            }
        }
    }

    /// One attempt at an OpenSSL I/O call.
    private func stepTLS(_ tls: OpaquePointer, _ operation: () -> Int32) -> TLSStep {
        ERR_clear_error()
        // Cleared so a stale value cannot pass for the cause of an SSL_ERROR_SYSCALL.
        errno = 0
        let result = operation()
        let savedErrno = errno
        if result > 0 { return .finished(.done(result)) }
        switch SSL_get_error(tls, result) {
        case SSL_ERROR_WANT_READ:
            return .wantsRead
        case SSL_ERROR_WANT_WRITE:
            return .wantsWrite
        case SSL_ERROR_ZERO_RETURN:
            return .finished(.closed)
        case let error:
            tlsCanShutDown = false
            if OpenSSLError.isUnexpectedEOF() || (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && savedErrno == 0) {
                ERR_clear_error()
                return .finished(.closedWithoutCloseNotify)
            }
            if let reason = OpenSSLError.takeReason() { return .finished(.failed(reason: reason)) }
            return .finished(.failed(reason: savedErrno != 0 ? Socket.reason(savedErrno) : "TLS error \(error)"))
        }
    }
}
