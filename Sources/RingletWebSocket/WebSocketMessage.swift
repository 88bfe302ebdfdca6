/// What the application receives: a complete data message with its fragments joined and
/// its text checked, or a control frame, delivered as soon as it arrives so that pings can
/// be answered and closes honoured in the middle of a long fragmented message.
public enum WebSocketMessage: Equatable, Sendable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// `code` is nil when the peer sent an empty close frame, which the RFC allows.
    case close(code: WebSocketCloseCode?, reason: String)
}
