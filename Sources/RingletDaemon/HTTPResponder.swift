import RingletWebSocket

/// The way to answer one request, handed to the application with it. It is a separate object, not
/// a return value, so the answer may come later (after work on another thread, brought back with
/// `loop.execute`): the connection waits for it and keeps later pipelined requests queued, which
/// keeps answers in request order. It holds its connection weakly, so answering a client that has
/// gone away meanwhile does nothing. Call it on the loop thread; only the first answer counts.
public final class HTTPResponder: @unchecked Sendable {
    public let request: HTTPRequest
    private weak var connection: HTTPConnection?

    init(request: HTTPRequest, connection: HTTPConnection) {
        self.request = request
        self.connection = connection
    }

    public func respond(_ response: HTTPServerResponse) {
        connection?.respond(response, for: self)
    }

    /// Answers `101 Switching Protocols` and turns the connection into a WebSocket served by `delegate`,
    /// with `protocol` as the selected subprotocol (it must be one the client offered). Check the
    /// request with `RequestAuthenticator` first; the Origin policy is its job. When the request is
    /// not a valid WebSocket upgrade it is answered with the matching error status and nil is returned.
    public func upgrade(protocol selected: String?, extraHeaders: HTTPHeaders = HTTPHeaders(),
                        delegate: any WebSocketDelegate) -> WebSocketConnection? {
        connection?.upgrade(for: self, protocol: selected, extraHeaders: extraHeaders, delegate: delegate)
    }
}
