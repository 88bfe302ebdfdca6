/// Why the daemon cannot do what was asked, said so the user knows what to do.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    case token(String)
    /// The daemon's record in the runtime directory cannot be written.
    case record(String)
    /// The server cannot listen on the address it was given.
    case listen(address: String, reason: String)
    /// The TLS certificate or key cannot be used.
    case tls(String)
    /// A session was asked for a profile that does not exist.
    case unknownProfile(String)
    /// A session could not be started (its host failed; the reason says why).
    case session(String)

    public var description: String {
        switch self {
        case .token(let problem), .record(let problem): problem
        case let .listen(address, reason): "cannot listen on \(address): \(reason)"
        case .tls(let problem), .session(let problem): problem
        case .unknownProfile(let name): "no profile named \(name); GET /api/profiles lists them, `ringlet profiles create` makes one"
        }
    }
}
