/// One node of a parsed YAML document, with the place it came from.
///
/// The tree is schema-free: scalars keep their text and how they were written, so a
/// schema decides what `no`, `1.10` or `~` mean (`YAMLMapping` applies YAML 1.2 core rules and
/// never turns a string field into a boolean or a float). Aliases are already expanded.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var value: Value
    public var location: YAMLLocation

    public init(_ value: Value, at location: YAMLLocation) {
        self.value = value
        self.location = location
    }

    /// A short name of the node's shape for error messages ("a mapping", "a string", …).
    public var shapeDescription: String {
        switch value {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.isNull ? "nothing (null)" : (scalar.style == .plain ? "'\(scalar.text)'" : "a string")
        }
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

public struct YAMLScalar: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var text: String
    public var style: Style
    /// An explicit tag (`!!str`, `!!int` …) in its long form, when the document wrote one.
    public var tag: String?

    public init(text: String, style: Style, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
    }

    /// YAML 1.2 core schema null: only an untagged plain `~`, `null` or empty scalar.
    public var isNull: Bool {
        if let tag { return tag == "tag:yaml.org,2002:null" }
        guard style == .plain else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }
}
