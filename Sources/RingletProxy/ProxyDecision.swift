import RingletPolicy

/// The proxy's answer for one destination: allowed by which entry, or denied and why, with the hint a
/// person (or an agent) needs to allow it.
public struct ProxyDecision: Sendable, Equatable {
    public enum Verdict: String, Sendable, Codable {
        case allowed, denied
    }

    public var verdict: Verdict
    /// The entry that allowed it, or the name of the reason it was denied (`not-allowed`, `private-address` …).
    public var rule: String
    public var address: IPAddress?
    public var message: String

    /// Allow or deny a destination by the session's entries alone; nothing is resolved here.
    public static func byPolicy(host: String, port: Int, patterns: [DomainPattern]) -> (ProxyDecision, DomainPattern?) {
        if let pattern = patterns.first(where: { $0.matches(host: host, port: port) }) {
            return (ProxyDecision(verdict: .allowed, rule: pattern.description, address: nil, message: ""), pattern)
        }
        let entry = port == 80 || port == 443 ? host : "\(host):\(port)"
        let message = "ringlet proxy: \(host):\(port) is not in this session's network allowlist; "
            + "to allow it, add \"\(entry)\" to network: in egg.yaml (or pass --allow-domain \(entry))"
        return (ProxyDecision(verdict: .denied, rule: "not-allowed", address: nil, message: message), nil)
    }

    /// Whether an allowed name may connect to `address`: loopback, private, link-local and similar
    /// addresses only when the entry names the host exactly (not `*` or `*.suffix`).
    public static func guardAddress(_ address: IPAddress, host: String, port: Int, pattern: DomainPattern,
                                    patterns: [DomainPattern]) -> ProxyDecision? {
        guard let kind = address.restrictedKind else { return nil }
        let namedExactly = patterns.contains { candidate in
            if case .exact = candidate.host { return candidate.matches(host: host, port: port) }
            return false
        }
        if namedExactly { return nil }
        let message = "ringlet proxy: \(host) resolves to \(address), a \(kind) address, which \(pattern) does not name; "
            + "to allow it, add \"\(host)\(port == 80 || port == 443 ? "" : ":\(port)")\" itself to network: in egg.yaml"
        return ProxyDecision(verdict: .denied, rule: "private-address", address: address, message: message)
    }
}
