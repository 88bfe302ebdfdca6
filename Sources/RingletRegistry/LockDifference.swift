import RingletManifest

/// One way the registries no longer agree with `ringlet.lock`, phrased for the person who must fix it.
public struct LockDifference: Sendable, Equatable, CustomStringConvertible {
    public var kind: ManifestKind
    public var reference: String
    public var problem: String

    public var description: String { "\(kind.rawValue) '\(reference)': \(problem)" }
}
