import RingletWebSocket

/// How an attached terminal ended.
public enum AttachOutcome: Sendable, Equatable {
    /// The agent ended with this status (nil when the daemon did not say, e.g. it was killed).
    case exited(code: Int32?)
    /// The user detached (the detach key, or the end of input); the session keeps running.
    case detached
    /// The daemon closed the connection without an exit message (the session was ended, the daemon stopped).
    case closed(code: WebSocketCloseCode?, reason: String)
    /// A termination signal reached ringlet; it detached, leaving the session running.
    case signalled(Int32)
}
