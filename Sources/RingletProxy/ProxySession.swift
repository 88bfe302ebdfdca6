import RingletPolicy
import Synchronization

/// One sandbox's view of the proxy: which hosts it may reach, and how many connections it has open.
/// The proxy knows the session from the socket a connection arrived on, never from what the client says.
public final class ProxySession: Sendable {
    public let id: String
    private let state: Mutex<(patterns: [DomainPattern], open: Int)>

    public init(id: String, allow patterns: [DomainPattern]) {
        self.id = id
        state = Mutex((patterns, 0))
    }

    /// Takes effect for the next connection; open ones keep the decision they were made with.
    public func update(allow patterns: [DomainPattern]) {
        state.withLock { $0.patterns = patterns }
    }

    public var patterns: [DomainPattern] { state.withLock { $0.patterns } }

    /// Connections of this session being served now.
    public var openConnections: Int { state.withLock { $0.open } }

    /// Counts a new connection in, or refuses it when the session is at its limit.
    func open(limit: Int) -> Bool {
        state.withLock { state in
            guard state.open < limit else { return false }
            state.open += 1
            return true
        }
    }

    func close() {
        state.withLock { $0.open -= 1 }
    }
}
