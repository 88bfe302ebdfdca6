import RingletYAML

/// Validates the `network:` entries of a manifest: `host`, `*.suffix` or either with `:port`.
///
/// Only the shape is checked here; matching belongs to the proxy.
enum NetworkDomain {
    static func decode(_ map: YAMLMapping, _ key: String = "network") throws(YAMLError) -> [String] {
        var result: [String] = []
        for node in try map.list(key) {
            let entry = try node.string(key: key)
            if let problem = problem(with: entry) {
                throw .invalidValue(node.location, problem)
            }
            result.append(entry.lowercased())
        }
        return result
    }

    static func problem(with entry: String) -> String? {
        if entry == "*" { return nil }
        var host = Substring(entry)
        if let colon = entry.lastIndex(of: ":") {
            let port = entry[entry.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1 ... 65535).contains(number) else {
                return "network entry '\(entry)' has an invalid port"
            }
            host = entry[..<colon]
        }
        if host.hasPrefix("*.") { host = host.dropFirst(2) }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !labels.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0" ... "9").contains($0) || $0 == "-" }
        }
        return valid ? nil : "network entry '\(entry)' is not a host name, '*.suffix' or 'host:port'"
    }
}
