/// The answer to "which manifest does this reference mean": the file and the registry it came from.
public struct Resolution: Sendable {
    public var registry: OpenedRegistry
    public var manifest: LoadedManifest
}
