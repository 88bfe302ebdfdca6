import Glibc

/// A host name as the proxy compares it: lower case, no trailing dot, non-ASCII labels in their
/// Punycode (`xn--`) form, so `Bücher.Example.` and `xn--bcher-kva.example` are one host.
public enum HostName {
    public static func normalize(_ host: String) -> String? {
        var text = host.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("[") {
            var address = in6_addr()
            guard text.hasSuffix("]"), inet_pton(AF_INET6, String(text.dropFirst().dropLast()), &address) == 1 else { return nil }
            return text
        }
        var labels: [String] = []
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return nil }
            if label.unicodeScalars.allSatisfy(\.isASCII) {
                guard label.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0" ... "9").contains($0) || $0 == "-" || $0 == "_" }) else {
                    return nil
                }
                labels.append(String(label))
            } else {
                guard let encoded = Punycode.encode(String(label)) else { return nil }
                labels.append("xn--" + encoded)
            }
        }
        let result = labels.joined(separator: ".")
        return result.utf8.count <= 253 ? result : nil
    }
}
