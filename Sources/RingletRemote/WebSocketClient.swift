import Glibc
import RingletCrypto
import RingletHTTP
import RingletWebSocket

/// The client end of a WebSocket (RFC 6455) to a ringlet daemon, speaking the `ringlet.v1`
/// subprotocol. The opening handshake is checked in full (the accept key proves the server speaks
/// WebSocket, and it must select `ringlet.v1`); frames are masked, server frames must not be;
/// pings are answered as they arrive; closing waits for the daemon's close as the RFC asks.
///
/// Reads never block, so a caller can poll `descriptor` next to its own descriptors. The token goes
/// in `Sec-WebSocket-Protocol` (`bearer.TOKEN`), the one header a browser can set too, and in
/// `Authorization`.
public final class WebSocketClient {
    public static let subprotocol = "ringlet.v1"
    /// Terminal output arrives in small messages; anything this large is a broken or hostile peer.
    static let maxMessageSize = 16 << 20

    /// What arrived.
    public enum Event: Sendable, Equatable {
        case text(String)
        case binary([UInt8])
        /// The daemon's close frame; the close has been answered.
        case closed(code: WebSocketCloseCode?, reason: String)
    }

    public let remote: Remote
    private let stream: HTTPStream
    private var decoder = WebSocketFrameDecoder(maxMessageSize: WebSocketClient.maxMessageSize, role: .client)
    private var closeSent = false

    private init(remote: Remote, stream: HTTPStream) {
        self.remote = remote
        self.stream = stream
    }

    static func connect(remote: Remote, url: HTTPURL, token: String, client: HTTPClient) throws(RemoteError) -> WebSocketClient {
        let key = Base64.encode(SecureRandom.bytes(16))
        let headers = [
            HTTPHeader(name: "Upgrade", value: "websocket"),
            HTTPHeader(name: "Connection", value: "Upgrade"),
            HTTPHeader(name: "Sec-WebSocket-Key", value: key),
            HTTPHeader(name: "Sec-WebSocket-Version", value: "13"),
            HTTPHeader(name: "Sec-WebSocket-Protocol", value: "\(subprotocol), bearer.\(token)"),
            HTTPHeader(name: "Authorization", value: "Bearer \(token)"),
        ]
        let upgrade: HTTPUpgrade
        do {
            upgrade = try client.upgrade(url, headers: headers)
        } catch {
            throw .unreachable(remote, error)
        }
        switch upgrade {
        case let .refused(response) where response.isSuccess:
            throw .handshakeFailed(remote, reason: "\(url) answered \(response.status) instead of switching to WebSocket; is it a ringlet daemon?")
        case let .refused(response):
            throw RemoteAPI.failure(response, remote: remote)
        case let .switched(response, stream):
            if let problem = problem(with: response, key: key) { throw .handshakeFailed(remote, reason: problem) }
            return WebSocketClient(remote: remote, stream: stream)
        }
    }

    /// What is wrong with a 101 response, or nil when it completes the handshake we asked for.
    static func problem(with response: HTTPResponse, key: String) -> String? {
        func tokens(_ name: String) -> [String] {
            response.headers.filter { $0.name.lowercased() == name.lowercased() }
                .flatMap { $0.value.split(separator: ",") }
                .map { $0.trimmingPrefix(while: { $0 == " " || $0 == "\t" }).lowercased() }
        }
        guard tokens("Upgrade").contains(where: { $0.hasPrefix("websocket") }) else {
            return "the daemon switched to a protocol other than WebSocket"
        }
        guard tokens("Connection").contains(where: { $0.hasPrefix("upgrade") }) else {
            return "the daemon's answer lacks Connection: Upgrade"
        }
        guard response.header("Sec-WebSocket-Accept") == WebSocketHandshake.acceptKey(for: key) else {
            return "the daemon's Sec-WebSocket-Accept does not match the key sent; something between here and the daemon is not speaking WebSocket"
        }
        guard response.header("Sec-WebSocket-Extensions") == nil else {
            return "the daemon enabled a WebSocket extension although none was offered"
        }
        let selected = response.header("Sec-WebSocket-Protocol")
        guard selected == subprotocol else {
            // What it selected is shown unless it is the token, which must never be printed.
            let what = selected.map { $0.hasPrefix("bearer.") ? "another protocol" : "'\($0)'" } ?? "no protocol"
            return "the daemon selected \(what) instead of \(subprotocol); is it a ringlet daemon of a compatible version?"
        }
        return nil
    }

    /// The socket, for poll(2) only.
    public var descriptor: Int32 { stream.descriptor }

    /// Bytes are waiting although the socket may not poll readable: call `receive` before polling.
    public var hasPendingInput: Bool { stream.hasPendingInput }

    /// The messages that arrived, without waiting (empty when none did). Pings are answered here.
    /// After `.closed`, nothing more is read.
    public func receive() throws(RemoteError) -> [Event] {
        let received: HTTPStream.Received
        do {
            received = try stream.receive()
        } catch {
            throw .connectionLost(remote, reason: error.description)
        }
        switch received {
        case .nothing:
            return []
        case .closed:
            throw .connectionLost(remote, reason: "the daemon closed the connection without a WebSocket close frame")
        case let .bytes(bytes):
            decoder.append(bytes)
        }
        var events: [Event] = []
        while let message = try nextMessage() {
            switch message {
            case let .text(text): events.append(.text(text))
            case let .binary(bytes): events.append(.binary(bytes))
            case let .ping(payload): try write(WebSocketFrameEncoder.pong(payload))
            case .pong: break
            case let .close(code, reason):
                if !closeSent {
                    // Echoing the code is what RFC 6455 section 5.5.1 suggests; an empty close gets 1000.
                    try? sendClose(code ?? .normalClosure, reason: "")
                }
                events.append(.closed(code: code, reason: reason))
                return events
            }
        }
        return events
    }

    public func send(binary bytes: [UInt8]) throws(RemoteError) {
        try write(WebSocketFrameEncoder.binary(bytes))
    }

    public func send(text: String) throws(RemoteError) {
        try write(WebSocketFrameEncoder.text(text))
    }

    /// Closes the WebSocket: sends a close frame unless one was sent already, then waits, at most
    /// `timeout`, for the daemon's close frame and the end of the connection (RFC 6455 section
    /// 7.1.1: the server closes TCP first). Whatever arrives meanwhile, the daemon's close frame included, is dropped. Never throws: by
    /// now a broken connection is as good as a closed one.
    public func close(_ code: WebSocketCloseCode = .normalClosure, reason: String = "", timeout: Duration = .seconds(2)) {
        if !closeSent { try? sendClose(code, reason: reason) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if !stream.hasPendingInput {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else { return }
                let (seconds, attoseconds) = remaining.components
                var entry = pollfd(fd: stream.descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
                if ready == 0 { return }
                if ready < 0 && errno != EINTR { return }
            }
            guard let received = try? stream.receive() else { return }
            if received == .closed { return }
        }
    }

    private func nextMessage() throws(RemoteError) -> WebSocketMessage? {
        do {
            return try decoder.next()
        } catch {
            try? sendClose(error.closeCode, reason: error.description)
            throw .connectionLost(remote, reason: "the daemon broke the WebSocket protocol: \(error)")
        }
    }

    private func sendClose(_ code: WebSocketCloseCode, reason: String) throws(RemoteError) {
        try write(WebSocketFrameEncoder.close(code: code, reason: reason))
        closeSent = true
    }

    /// Sends a frame the encoder wrote (unmasked, as for a server), masked.
    private func write(_ frame: [UInt8]) throws(RemoteError) {
        precondition(!closeSent, "nothing may be sent after a close frame")
        do {
            try stream.send(ClientFrameEncoder.masked(frame))
        } catch {
            throw .connectionLost(remote, reason: error.description)
        }
    }
}
