/// Emits the small, predictable subset of YAML that Ringlet writes (config files, indexes, lockfiles):
/// block mappings and lists of scalars, with every string double-quoted when plain style could change
/// its meaning. Output is deterministic, so generated files diff cleanly.
public struct YAMLWriter {
    public private(set) var text = ""

    public init(header: [String] = []) {
        for line in header { text += "# \(line)\n" }
    }

    public mutating func scalar(_ key: String, _ value: String, indent: Int = 0) {
        text += pad(indent) + key + ": " + YAMLWriter.quote(value) + "\n"
    }

    public mutating func scalar(_ key: String, _ value: Int, indent: Int = 0) {
        text += pad(indent) + key + ": \(value)\n"
    }

    public mutating func key(_ key: String, indent: Int = 0) {
        text += pad(indent) + key + ":\n"
    }

    public mutating func emptyList(_ key: String, indent: Int = 0) {
        text += pad(indent) + key + ": []\n"
    }

    /// Starts a list item that is a mapping: `- key: value`; later keys of the item use `indent + 2`.
    public mutating func item(_ key: String, _ value: String, indent: Int = 0) {
        text += pad(indent) + "- " + key + ": " + YAMLWriter.quote(value) + "\n"
    }

    public mutating func item(_ value: String, indent: Int = 0) {
        text += pad(indent) + "- " + YAMLWriter.quote(value) + "\n"
    }

    public mutating func blankLine() {
        text += "\n"
    }

    private func pad(_ indent: Int) -> String { String(repeating: " ", count: indent) }

    /// Plain when the text reads back as the same string under any YAML version; double-quoted otherwise.
    public static func quote(_ value: String) -> String {
        if isSafePlain(value) { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            // Line breaks to YAML 1.1 readers (libyaml among them), and the byte-order mark.
            case "\u{85}": result += "\\N"
            case "\u{2028}": result += "\\L"
            case "\u{2029}": result += "\\P"
            case "\u{FEFF}": result += "\\uFEFF"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func isSafePlain(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        let allowed = value.unicodeScalars.allSatisfy {
            ("a" ... "z").contains($0) || ("A" ... "Z").contains($0) || ("0" ... "9").contains($0)
                || "-_./@^~+".unicodeScalars.contains($0)
        }
        // Starting with a letter or '/' rules out every number form (0x1F, 1e3, .inf, -1); the words YAML 1.1
        // or 1.2 read as booleans or null stay quoted too.
        let startsPlain = ("a" ... "z").contains(first) || ("A" ... "Z").contains(first) || first == "/"
        guard allowed, startsPlain else { return false }
        let reserved = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
        return !reserved.contains(value.lowercased())
    }
}
