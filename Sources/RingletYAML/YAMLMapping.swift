/// A schema-side view of a YAML mapping: typed accessors that fail with the key's location, and the
/// unknown-key check that turns a typo into `unknown key 'comand' (did you mean 'command'?)`.
///
/// Scalars follow the YAML 1.2 core schema and only where the schema asks: a string field takes the
/// text as written (`no`, `on`, `1.10` stay strings), a boolean is `true`/`false`, an integer is decimal.
public struct YAMLMapping: Sendable {
    public let node: YAMLNode
    public let pairs: [YAMLPair]

    public init(_ node: YAMLNode, key: String? = nil) throws(YAMLError) {
        guard case .mapping(let pairs) = node.value else {
            throw .typeMismatch(node.location, key: key, expected: "a mapping", found: node.shapeDescription)
        }
        self.node = node
        self.pairs = pairs
    }

    public var keys: [String] { pairs.compactMap(\.key.keyText) }

    public subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key.keyText == key }?.value
    }

    /// Refuses any key not in `known`, suggesting the closest known one.
    public func requireKnownKeys(_ known: [String]) throws(YAMLError) {
        for pair in pairs {
            let key = pair.key.keyText ?? ""
            guard !known.contains(key) else { continue }
            throw .unknownKey(pair.key.location, key: key, suggestion: KeySuggestion.closest(to: key, among: known))
        }
    }

    /// The value's node, or nil when the key is absent or null.
    public func optionalNode(_ key: String) -> YAMLNode? {
        guard let value = self[key] else { return nil }
        if case .scalar(let scalar) = value.value, scalar.isNull { return nil }
        return value
    }

    public func requiredNode(_ key: String) throws(YAMLError) -> YAMLNode {
        guard let value = optionalNode(key) else { throw .missingKey(missingLocation(key), key: key) }
        return value
    }

    public func string(_ key: String) throws(YAMLError) -> String {
        try requiredNode(key).string(key: key)
    }

    public func optionalString(_ key: String) throws(YAMLError) -> String? {
        try optionalNode(key)?.string(key: key)
    }

    public func int(_ key: String) throws(YAMLError) -> Int {
        try requiredNode(key).int(key: key)
    }

    public func optionalInt(_ key: String) throws(YAMLError) -> Int? {
        try optionalNode(key)?.int(key: key)
    }

    public func optionalBool(_ key: String) throws(YAMLError) -> Bool? {
        try optionalNode(key)?.bool(key: key)
    }

    /// A list of strings; an absent key is an empty list.
    public func strings(_ key: String) throws(YAMLError) -> [String] {
        var result: [String] = []
        for item in try list(key) { result.append(try item.string(key: key)) }
        return result
    }

    /// A list; an absent key is an empty list.
    public func list(_ key: String) throws(YAMLError) -> [YAMLNode] {
        guard let value = optionalNode(key) else { return [] }
        guard case .sequence(let items) = value.value else {
            throw .typeMismatch(value.location, key: key, expected: "a list", found: value.shapeDescription)
        }
        return items
    }

    public func optionalMapping(_ key: String) throws(YAMLError) -> YAMLMapping? {
        guard let value = optionalNode(key) else { return nil }
        return try YAMLMapping(value, key: key)
    }

    /// A mapping of strings to strings, in document order.
    public func stringPairs(_ key: String) throws(YAMLError) -> [(name: String, value: String)] {
        guard let mapping = try optionalMapping(key) else { return [] }
        var result: [(name: String, value: String)] = []
        for pair in mapping.pairs {
            result.append((pair.key.keyText ?? "", try pair.value.string(key: pair.key.keyText)))
        }
        return result
    }

    public func location(of key: String) -> YAMLLocation {
        self[key]?.location ?? missingLocation(key)
    }

    /// A missing key is reported where its mapping starts, the closest place a user can look.
    private func missingLocation(_ key: String) -> YAMLLocation {
        pairs.first { $0.key.keyText == key }?.key.location ?? node.location
    }
}

extension YAMLNode {
    public func string(key: String? = nil) throws(YAMLError) -> String {
        guard case .scalar(let scalar) = value, !scalar.isNull else {
            throw .typeMismatch(location, key: key, expected: "a string", found: shapeDescription)
        }
        return scalar.text
    }

    public func int(key: String? = nil) throws(YAMLError) -> Int {
        guard case .scalar(let scalar) = value, scalar.style == .plain || scalar.tag == "tag:yaml.org,2002:int" else {
            throw .typeMismatch(location, key: key, expected: "an integer", found: shapeDescription)
        }
        let digits = scalar.text.hasPrefix("+") ? String(scalar.text.dropFirst()) : scalar.text
        guard let number = Int(digits), digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
            throw .typeMismatch(location, key: key, expected: "an integer", found: shapeDescription)
        }
        return number
    }

    public func bool(key: String? = nil) throws(YAMLError) -> Bool {
        if case .scalar(let scalar) = value, scalar.style == .plain || scalar.tag == "tag:yaml.org,2002:bool" {
            switch scalar.text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw .typeMismatch(location, key: key, expected: "true or false", found: shapeDescription)
    }

    public func mapping(key: String? = nil) throws(YAMLError) -> YAMLMapping {
        try YAMLMapping(self, key: key)
    }
}
