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
        if hostText.hasSuffix(".") { hostText = hostText.dropLast() }
        if hostText == "*" {
            host = .any
        } else if hostText.hasPrefix("*.") {
            guard hostText.count > 2 else { return nil }
            host = .subdomains(of: String(hostText.dropFirst(2)))
        } else {
            guard !hostText.isEmpty, !hostText.contains("*") else { return nil }
            host = .exact(String(hostText))
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
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    /// IPv4 dotted quads and bracketed or bare IPv6: only a pattern naming them exactly reaches them.
    public static func isAddressLiteral(_ name: String) -> Bool {
        if name.contains(":") || name.hasPrefix("[") { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
