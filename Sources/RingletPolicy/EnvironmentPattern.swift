/// Environment pass-through entries: a name, or a pattern with `*` (`LC_*`).
enum EnvironmentPattern {
    /// Names that carry credentials by convention; a pattern never passes them, only their exact name.
    static func looksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["_KEY", "_TOKEN", "_SECRET"].contains { upper.hasSuffix($0) }
    }

    static func matches(_ pattern: String, _ name: String) -> Bool {
        guard pattern.contains("*") else { return pattern == name }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(name)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return rest.hasSuffix(part)
            } else {
                guard let range = rest.firstRange(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return rest.isEmpty
    }
}
