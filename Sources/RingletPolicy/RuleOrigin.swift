import RingletYAML

/// Where a rule came from: its layer, a label a person recognises, and the file position that wrote it.
public struct RuleOrigin: Sendable, Hashable, CustomStringConvertible {
    public var layer: PolicyLayer.Kind
    /// "built-in defaults", "agent claude 2.1.0", the egg.yaml path, "--rw" …
    public var label: String
    public var location: YAMLLocation?

    public init(layer: PolicyLayer.Kind, label: String, location: YAMLLocation? = nil) {
        self.layer = layer
        self.label = label
        self.location = location
    }

    public var description: String {
        if let location { return "\(layer.title) \(location)" }
        if layer == .flags { return "command line \(label)" }
        return label
    }
}
