import Glibc

/// One `network:` entry: `*` (anything), `host`, `*.suffix` (subdomains only), each optionally `:port`.
///
/// Without a port a pattern covers the default ports 80 and 443 only. Loopback, private and other IP
/// literals are covered only by a pattern that names them exactly; `*` never reaches them.
public struct DomainPattern: Sendable, Hashable, CustomStringConvertible {
    public enum Host: Sendable, Hashable {
        case any
        case exact(String)
        case subdomains(of: String)
    }

    public var host: Host
    public var port: Int?

    public init?(parsing text: String) {
        var hostText = Substring(text.lowercased())
        if let colon = hostText.lastIndex(of: ":"), !hostText.hasPrefix("[") || hostText[..<colon].hasSuffix("]") {
            let portText = hostText[hostText.index(after: colon)...]
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
                  (1 ... 65535).contains(port) else { return nil }
            self.port = port
            hostText = hostText[..<colon]
        }
        if hostText == "*" {
            host = .any
            return
        }
        let wildcard = hostText.hasPrefix("*.")
        if wildcard { hostText = hostText.dropFirst(2) }
        if hostText.hasSuffix(".") { hostText = hostText.dropLast() }
        // Stored as requests are compared: lower case, Unicode labels in Punycode.
        guard DomainPattern.isValidHost(hostText), let normalized = HostName.normalize(String(hostText)) else { return nil }
        host = wildcard ? .subdomains(of: normalized) : .exact(normalized)
    }

    /// A host name of dot-separated labels (letters, digits, `-`, `_`; non-ASCII letters for IDNA), or a
    /// bracketed IPv6 address. Nothing that could widen a pattern (`*`, spaces, `/`, empty labels).
    static func isValidHost(_ text: Substring) -> Bool {
        if text.hasPrefix("[") {
            var address = in6_addr()
            return text.hasSuffix("]") && inet_pton(AF_INET6, String(text.dropFirst().dropLast()), &address) == 1
        }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0" ... "9").contains($0) || $0 == "-" || $0 == "_" }
        }
    }

    public var description: String {
        let hostText: String
        switch host {
        case .any: hostText = "*"
        case .exact(let name): hostText = name
        case .subdomains(let suffix): hostText = "*." + suffix
        }
        return port.map { "\(hostText):\($0)" } ?? hostText
    }

    public func matches(host name: String, port requested: Int) -> Bool {
        let name = DomainPattern.normalize(name)
        if let port {
            guard port == requested else { return false }
        } else if host != .any, requested != 80, requested != 443 {
            return false
        }
        switch host {
        case .any:
            return !DomainPattern.isAddressLiteral(name) && name != "localhost"
        case .exact(let exact):
            return name == exact
        case .subdomains(let suffix):
            return !DomainPattern.isAddressLiteral(name) && name.hasSuffix("." + suffix)
        }
    }

    public static func normalize(_ name: String) -> String {
        HostName.normalize(name) ?? name.lowercased()
    }

    /// IPv4 dotted quads and bracketed or bare IPv6: only a pattern naming them exactly reaches them.
    public static func isAddressLiteral(_ name: String) -> Bool {
        if name.contains(":") || name.hasPrefix("[") { return true }
        // Every form the C library reads as IPv4 (127.1, 2130706433, 0x7f.1), since a resolver would too.
        var address = in_addr()
        return inet_aton(name, &address) != 0
    }
}
