/// Why a remote daemon cannot be used, said so the user knows what to do.
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No remote of that name in remotes.yaml.
    case unknownRemote(String)

    public var description: String {
        switch self {
        case let .unknownRemote(name): "no remote named '\(name)'; add one with `ringlet remotes add \(name) --url URL --token TOKEN`"
        }
    }
}
