import RingletHTTP

/// Why a remote daemon cannot be used, said so the user knows what to do.
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No remote of that name in remotes.yaml.
    case unknownRemote(String)
    case invalidName(String, reason: String)
    case invalidURL(String, reason: String)
    case remoteExists(Remote)
    /// The token cannot be stored or sent; the reason never repeats it.
    case invalidToken(reason: String)
    /// The remote is configured but the credential store has no token for it.
    case missingToken(Remote)
    case invalidSessionID(String)
    /// remotes.yaml cannot be read or written.
    case configuration(String)
    /// The credential store failed.
    case credentials(String)
    /// No HTTP answer at all: the daemon is down, unreachable, or not speaking HTTP.
    case unreachable(Remote, HTTPClientError)
    /// The daemon answered with an error status and its `error` message.
    case rejected(Remote, status: Int, message: String)
    /// The daemon answered 2xx with something that is not what the API promises.
    case invalidResponse(Remote, reason: String)
    /// The WebSocket opening handshake did not hold.
    case handshakeFailed(Remote, reason: String)
    /// The attached session's connection broke or violated the protocol.
    case connectionLost(Remote, reason: String)
    /// The local terminal could not be set up.
    case terminal(String)

    public var description: String {
        switch self {
        case let .unknownRemote(name):
            "no remote named '\(name)'; add one with `ringlet remotes add \(name) --url URL --token TOKEN`"
        case let .invalidName(name, reason):
            "invalid remote name '\(name)': \(reason)"
        case let .invalidURL(text, reason):
            "invalid remote URL \"\(text)\": \(reason)"
        case let .remoteExists(remote):
            "remote \(remote.name) exists (\(remote.urlText)); add --force to replace its URL and token"
        case let .invalidToken(reason):
            "invalid token: \(reason)"
        case let .missingToken(remote):
            "no token stored for remote \(remote.name); store it with `ringlet remotes add \(remote.name) --url \(remote.urlText) --token TOKEN --force`"
        case let .invalidSessionID(id):
            "invalid session id '\(id)': ids are letters, digits, '-' and '_'; `ringlet remotes sessions NAME` lists them"
        case let .configuration(message), let .credentials(message), let .terminal(message):
            message
        case let .unreachable(remote, error):
            "cannot reach remote \(remote.name) at \(remote.urlText): \(error)"
        case let .rejected(remote, status, message):
            switch status {
            case 401:
                "remote \(remote.name) refused the token (401): \(message); update it with "
                    + "`ringlet remotes add \(remote.name) --url \(remote.urlText) --token TOKEN --force`"
            case 403:
                "remote \(remote.name) refused the request (403): \(message)"
            case 429:
                "remote \(remote.name) is refusing requests for now (429): \(message); wait and try again"
            default:
                "remote \(remote.name) answered \(status): \(message)"
            }
        case let .invalidResponse(remote, reason):
            "remote \(remote.name) sent an answer ringlet does not understand (\(reason)); is \(remote.urlText) a ringlet daemon of a compatible version?"
        case let .handshakeFailed(remote, reason):
            "cannot attach through remote \(remote.name): \(reason)"
        case let .connectionLost(remote, reason):
            "connection to remote \(remote.name) lost: \(reason)"
        }
    }
}
