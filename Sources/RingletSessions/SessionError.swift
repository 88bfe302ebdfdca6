/// Why a session cannot be started, reached or driven, said so the user knows what to do.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session's socket is missing or nobody answers on it: the session ended or its host died.
    case unreachable(session: String, reason: String)
    /// The host could not set the session up (terminal, agent, socket); nothing was left running.
    case cannotStart(session: String, reason: String)
    /// The folder sessions are published in cannot be created or used.
    case unusableFolder(path: String, reason: String)
    /// A peer sent bytes that are not a frame of the session protocol; the connection is closed.
    case malformedFrame(String)

    public var description: String {
        switch self {
        case let .unreachable(session, reason): "session \(session) cannot be reached: \(reason)"
        case let .cannotStart(session, reason): "cannot start session \(session): \(reason)"
        case let .unusableFolder(path, reason): "cannot use the sessions folder \(path): \(reason); check that the runtime folder is yours and writable"
        case let .malformedFrame(reason): "malformed session frame: \(reason); the connection was closed, reconnect to continue"
        }
    }
}
