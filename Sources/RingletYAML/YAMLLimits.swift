/// Bounds that keep a hostile document from exhausting memory or the stack.
///
/// `maxNodes` counts nodes after alias expansion, which is what stops "billion laughs":
/// each alias costs as much as the subtree it stands for.
public struct YAMLLimits: Sendable {
    public var maxBytes: Int
    public var maxDepth: Int
    public var maxNodes: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxNodes: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let manifest = YAMLLimits()
}
