/// Why the proxy could not start or serve, for the person running it.
public enum ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotListen(String, reason: String)
    case cannotResolve(String, reason: String)
    case invalidHostsFile(String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let place, let reason): "cannot listen on \(place): \(reason)"
        case .cannotResolve(let host, let reason): "cannot resolve \(host): \(reason)"
        case .invalidHostsFile(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}
