import RingletSystem
import RingletWebSocket

/// The HTTP/1.1 state machine of one connection: idle, receiving a request, waiting for the
/// application's answer, and closing. One request is with the application at a time; bytes of
/// later pipelined requests wait in the parser, so answers go out in request order without a
/// queue of responders. One timer at a time bounds how long the client may take: the head of a
/// request (from its first byte), its body, or the pause between requests.
final class HTTPConnection {
    private enum Deadline {
        case idle, head, body
    }

    private let stream: SocketStream
    private let loop: EventLoop
    private let limits: HTTPServer.Limits
    private let handler: HTTPServer.Handler
    private var parser: HTTPRequestParser
    private var inFlight: HTTPResponder?
    private var deadline: (kind: Deadline, timer: EventLoop.Timer)?
    /// Guards against answering synchronously from inside the handler re-entering the request loop.
    private var processing = false
    private var finished = false
    /// Whether `100 Continue` went out for the request whose body is arriving.
    private var continued = false

    /// Queued output beyond which no further request is read until the client catches up.
    private static let outputHighWater = 1 << 20

    init(stream: SocketStream, loop: EventLoop, limits: HTTPServer.Limits, handler: @escaping HTTPServer.Handler) {
        self.stream = stream
        self.loop = loop
        self.limits = limits
        self.handler = handler
        parser = HTTPRequestParser(limits: limits.request, clientAddress: stream.peer, isTLS: stream.isTLS)
        stream.onReceive = { [self] bytes in
            parser.append(bytes)
            processRequests()
        }
        stream.onWritten = { [self] pending in
            if pending < Self.outputHighWater, inFlight == nil, !finished { processRequests() }
        }
        stream.onClose = { [self] _ in
            finished = true
            inFlight = nil
            cancelDeadline()
        }
        arm(.idle)
    }

    func respond(_ response: HTTPServerResponse, for responder: HTTPResponder) {
        guard inFlight === responder, !stream.isClosed else { return }
        inFlight = nil
        let request = responder.request
        let closing = !request.keepsAlive || response.headers.tokens("connection").contains { $0.lowercased() == "close" }
        stream.send(response.serialized(closing: closing, omitBody: request.method == "HEAD"))
        if closing {
            finish()
        } else if !processing {
            processRequests()
        }
    }

    func upgrade(for responder: HTTPResponder, protocol selected: String?, extraHeaders: HTTPHeaders,
                 delegate: any WebSocketDelegate) -> WebSocketConnection? {
        guard inFlight === responder, !stream.isClosed else { return nil }
        let request = responder.request
        let headers = request.headers.fields.map { ($0.name, $0.value) }
        // The Origin policy belongs to RequestAuthenticator, which knows the Host and the allowed list.
        let upgrade: WebSocketHandshake.Upgrade
        switch WebSocketHandshake.validate(headers: headers, allowedOrigins: Set(request.headers.values("origin"))) {
        case .success(let valid):
            upgrade = valid
        case .failure(let error):
            var response = HTTPServerResponse.error(error.status, "cannot open a WebSocket: \(error)")
            if case .unsupportedVersion = error { response.headers.append(name: "Sec-WebSocket-Version", value: "13") }
            respond(response, for: responder)
            return nil
        }
        guard request.method == "GET", request.minorVersion == 1 else {
            respond(.error(400, "a WebSocket upgrade must be an HTTP/1.1 GET request"), for: responder)
            return nil
        }
        if let selected, !upgrade.protocols.contains(selected) {
            respond(.error(400, "the client did not offer the WebSocket subprotocol \(selected)"), for: responder)
            return nil
        }
        inFlight = nil
        finished = true
        cancelDeadline()
        stream.isReadingPaused = false
        var head = "HTTP/1.1 101 Switching Protocols\r\nServer: ringlet\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Accept: \(upgrade.acceptKey)\r\n"
        if let selected { head += "Sec-WebSocket-Protocol: \(selected)\r\n" }
        head += HTTPServerResponse.fieldLines(extraHeaders, excluding: [
            "upgrade", "connection", "server", "content-length", "transfer-encoding", "sec-websocket-accept", "sec-websocket-protocol",
        ])
        stream.send(Array((head + "\r\n").utf8))
        return WebSocketConnection(stream: stream, loop: loop, request: request, subprotocol: selected,
                                   limits: limits.webSocket, delegate: delegate, buffered: parser.takeBuffered())
    }

    private func processRequests() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while inFlight == nil, !finished, !stream.isClosed {
            guard stream.pendingOutput < Self.outputHighWater else {
                stream.isReadingPaused = true
                cancelDeadline()
                return
            }
            let request: HTTPRequest
            do throws(HTTPParseError) {
                guard let next = try parser.next() else { break }
                request = next
            } catch {
                stream.send(HTTPServerResponse.error(error.status, error.message).serialized(closing: true, omitBody: false))
                return finish()
            }
            cancelDeadline()
            continued = false
            let responder = HTTPResponder(request: request, connection: self)
            inFlight = responder
            handler(request, responder)
        }
        guard !finished, !stream.isClosed else { return }
        if inFlight != nil {
            // Keep reading the next requests only up to what one request may be, then let TCP push back.
            stream.isReadingPaused = parser.bufferedCount > limits.request.requestLineBytes + limits.request.headerBytes + limits.request.bodyBytes
            cancelDeadline()
            return
        }
        stream.isReadingPaused = false
        if parser.isReceivingBody {
            if deadline?.kind != .body { arm(.body) }
            if parser.bodyAwaitsContinue, !continued {
                continued = true
                stream.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
        } else if parser.hasPartialRequest {
            if deadline?.kind != .head { arm(.head) }
        } else if deadline?.kind != .idle {
            arm(.idle)
        }
    }

    private func arm(_ kind: Deadline) {
        cancelDeadline()
        let after = switch kind {
        case .idle: limits.idleTimeout
        case .head: limits.headTimeout
        case .body: limits.idleTimeout
        }
        let timer = loop.schedule(after: after) { [weak self] in
            guard let self else { return }
            deadline = nil
            guard !finished, inFlight == nil else { return }
            switch kind {
            case .idle where stream.pendingOutput > 0:
                // Still answering a slow reader, which the write timeout bounds instead.
                arm(.idle)
            case .idle:
                stream.close(reason: "idle for \(after)")
            case .head, .body:
                let part = kind == .head ? "head" : "body"
                stream.send(HTTPServerResponse.error(408, "the request \(part) did not arrive within \(after)").serialized(closing: true, omitBody: false))
                finish()
            }
        }
        deadline = (kind, timer)
    }

    private func cancelDeadline() {
        guard let deadline else { return }
        loop.cancel(deadline.timer)
        self.deadline = nil
    }

    private func finish() {
        finished = true
        cancelDeadline()
        stream.closeWhenFlushed()
    }
}
