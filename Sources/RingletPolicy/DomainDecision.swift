/// Whether a host and port may be reached through the proxy, and the entry that allows it.
public struct DomainDecision: Sendable {
    public var allowed: Bool
    public var rule: PolicyLayer.NetworkRule?
}
