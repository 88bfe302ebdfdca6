/// Why a session cannot be started, reached or driven, said so the user knows what to do.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session's socket is missing or nobody answers on it: the session ended or its host died.
    case unreachable(session: String, reason: String)

    public var description: String {
        switch self {
        case let .unreachable(session, reason): "session \(session) cannot be reached: \(reason)"
        }
    }
}
