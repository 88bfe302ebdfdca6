import RingletWebSocket

/// What the application hears from one WebSocket, always on the loop thread. A class-bound
/// protocol because a delegate is the application's per-connection state (an attached session, a
/// subscription) and the connection holds it until the connection closes, after which it lets go.
public protocol WebSocketDelegate: AnyObject {
    func webSocket(_ connection: WebSocketConnection, didReceiveBinary message: [UInt8])
    func webSocket(_ connection: WebSocketConnection, didReceiveText message: String)
    /// Queued output fell below the low-water mark after reaching it: a good time to resume reading
    /// whatever feeds this client.
    func webSocketDidDrain(_ connection: WebSocketConnection)
    /// Called once, however the connection ended: `code` is what the client sent or what the server
    /// closed with, 1005 for a close frame without a code, 1006 for a connection lost without one.
    func webSocket(_ connection: WebSocketConnection, didCloseWith code: WebSocketCloseCode, reason: String)
}

extension WebSocketDelegate {
    public func webSocketDidDrain(_ connection: WebSocketConnection) {}
}
