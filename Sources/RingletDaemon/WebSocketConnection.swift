import RingletSystem
import RingletWebSocket

/// One upgraded connection, speaking RFC 6455 as the server on the loop that served its HTTP
/// request. It keeps the liveness and close rules itself (pings, answering pings, the close
/// handshake with a deadline, failing the connection with the right code on any protocol error)
/// so the application only sees messages. Output is never refused or dropped; instead
/// `bufferedBytes` and `webSocketDidDrain` report back-pressure, and the application decides
/// whether to stop producing for a slow client. Call it on the loop thread; the unchecked
/// `Sendable` only lets it be handed back there through `loop.execute`.
public final class WebSocketConnection: @unchecked Sendable {
    /// The upgrade request (its headers, path and client address).
    public let request: HTTPRequest
    /// The subprotocol selected in the handshake.
    public let subprotocol: String?
    /// True until the connection is gone; sending is refused earlier, once a close frame was sent.
    public private(set) var isOpen = true

    private let stream: SocketStream
    private let loop: EventLoop
    private let limits: HTTPServer.WebSocketLimits
    private var decoder: WebSocketFrameDecoder
    private var delegate: (any WebSocketDelegate)?
    private var closeSent = false
    private var closeCode: WebSocketCloseCode?
    private var closeReason = ""
    private var lastHeard = ContinuousClock.now
    private var pingTimer: EventLoop.Timer?
    private var closeTimer: EventLoop.Timer?
    private var reachedLowWater = false

    static let noStatusReceived = WebSocketCloseCode(rawValue: 1005)
    static let abnormalClosure = WebSocketCloseCode(rawValue: 1006)

    init(stream: SocketStream, loop: EventLoop, request: HTTPRequest, subprotocol: String?, limits: HTTPServer.WebSocketLimits,
         delegate: any WebSocketDelegate, buffered: [UInt8]) {
        self.stream = stream
        self.loop = loop
        self.request = request
        self.subprotocol = subprotocol
        self.limits = limits
        self.delegate = delegate
        decoder = WebSocketFrameDecoder(maxMessageSize: limits.maxMessageSize)
        stream.onReceive = { [self] bytes in received(bytes) }
        stream.onWritten = { [self] pending in wrote(pending) }
        stream.onClose = { [self] reason in closed(reason) }
        schedulePing()
        // Queued first so later bytes cannot overtake them, but decoded on a later turn so the
        // application has the connection `upgrade` returned before its delegate hears anything.
        decoder.append(buffered)
        if !buffered.isEmpty {
            loop.schedule(after: .zero) { [weak self] in self?.received([]) }
        }
    }

    /// Output queued and not yet taken by the client's socket.
    public var bufferedBytes: Int { stream.pendingOutput }

    /// Queues a text message; false once the connection is closing.
    @discardableResult
    public func send(text: String) -> Bool {
        queue(WebSocketFrameEncoder.text(text))
    }

    /// Queues a binary message; false once the connection is closing.
    @discardableResult
    public func send(binary: [UInt8]) -> Bool {
        queue(WebSocketFrameEncoder.binary(binary))
    }

    /// Starts the close handshake: sends a close frame and drops the connection if the client's
    /// close has not arrived within the close timeout.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        guard isOpen, !closeSent else { return }
        sendClose(code, reason)
        closeTimer = loop.schedule(after: limits.closeTimeout) { [weak self] in
            self?.stream.close(reason: "the client did not answer the close frame")
        }
    }

    private func queue(_ frame: [UInt8]) -> Bool {
        guard isOpen, !closeSent else { return false }
        stream.send(frame)
        if stream.pendingOutput >= limits.lowWaterMark { reachedLowWater = true }
        return true
    }

    private func received(_ bytes: [UInt8]) {
        guard isOpen else { return }
        lastHeard = .now
        decoder.append(bytes)
        do throws(WebSocketError) {
            while isOpen, let message = try decoder.next() {
                handle(message)
            }
        } catch {
            fail(error.closeCode, error.description)
        }
    }

    private func handle(_ message: WebSocketMessage) {
        switch message {
        case .text(let text):
            if !closeSent { delegate?.webSocket(self, didReceiveText: text) }
        case .binary(let bytes):
            if !closeSent { delegate?.webSocket(self, didReceiveBinary: bytes) }
        case .ping(let payload):
            if !closeSent { stream.send(WebSocketFrameEncoder.pong(payload)) }
        case .pong:
            break
        case let .close(code, reason):
            if closeSent {
                // Our close was answered: the server closes the TCP connection first (RFC 6455 section 7.1.1).
                stream.closeWhenFlushed()
                return
            }
            closeCode = code ?? Self.noStatusReceived
            closeReason = reason
            stream.send(WebSocketFrameEncoder.close(code: code ?? .normalClosure, reason: ""))
            closeSent = true
            stream.closeWhenFlushed(linger: limits.closeTimeout)
        }
    }

    /// Fails the connection after a protocol error: say why in a close frame, then stop listening.
    private func fail(_ code: WebSocketCloseCode, _ reason: String) {
        guard isOpen else { return }
        if !closeSent { sendClose(code, reason) }
        stream.closeWhenFlushed(linger: limits.closeTimeout)
    }

    private func sendClose(_ code: WebSocketCloseCode, _ reason: String) {
        closeSent = true
        closeCode = code
        closeReason = reason
        stream.send(WebSocketFrameEncoder.close(code: code, reason: reason))
    }

    private func wrote(_ pending: Int) {
        guard reachedLowWater, pending < limits.lowWaterMark else { return }
        reachedLowWater = false
        delegate?.webSocketDidDrain(self)
    }

    private func schedulePing() {
        pingTimer = loop.schedule(after: limits.pingInterval) { [weak self] in
            guard let self, isOpen else { return }
            if lastHeard.duration(to: .now) >= limits.pingInterval * 2 {
                return stream.close(reason: "no answer to pings for \(limits.pingInterval * 2)")
            }
            if !closeSent { stream.send(WebSocketFrameEncoder.ping()) }
            schedulePing()
        }
    }

    private func closed(_ reason: String) {
        isOpen = false
        for timer in [pingTimer, closeTimer].compactMap({ $0 }) { loop.cancel(timer) }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.webSocket(self, didCloseWith: closeCode ?? Self.abnormalClosure, reason: closeCode == nil ? reason : closeReason)
    }
}
