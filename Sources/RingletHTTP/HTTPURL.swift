import Glibc

/// An absolute `http` or `https` URL, parsed strictly and normalised so that equal URLs
/// compare equal: the scheme and host are lower-cased, a default port is implied, IPv6
/// addresses are in canonical form, dot segments are removed, characters that cannot
/// appear in a request line are percent-encoded and any fragment is dropped (servers
/// never see fragments). User info is rejected because credentials in URLs leak into
/// logs and redirects. Host names must be ASCII; internationalised names need their
/// `xn--` form, which keeps name resolution and certificate checks unambiguous.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http, https

        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public let scheme: Scheme
    /// Lower-case name, dotted-quad IPv4 address or IPv6 address without brackets.
    public let host: String
    /// The port to connect to; the scheme's default when the URL names none.
    public let port: Int
    /// Always starts with `/`; percent-encoded.
    public let path: String
    /// The part after `?`, percent-encoded; nil when the URL has no `?`.
    public let query: String?

    public init(parsing text: String) throws(HTTPClientError) {
        do {
            self = try URLParser.parse(text)
        } catch {
            throw .invalidURL(text, reason: error.reason)
        }
    }

    init(scheme: Scheme, host: String, port: Int, path: String, query: String?) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
    }

    /// Resolves a reference found relative to this URL (a `Location` header, a file path
    /// inside a registry) as RFC 3986 section 5 does, like a browser. Relative paths
    /// replace the last segment of this URL's path, so a base meant as a directory must
    /// end in `/`: `https://h/reg/` + `a/b.yaml` is `https://h/reg/a/b.yaml`, while
    /// `https://h/reg` + `a/b.yaml` is `https://h/a/b.yaml`. Returns nil when the result
    /// is not a valid http or https URL.
    public func resolving(_ reference: String) -> HTTPURL? {
        let resolved: String
        if reference.isEmpty || reference.hasPrefix("#") {
            return self
        } else if URLParser.hasScheme(reference) {
            resolved = reference
        } else if reference.hasPrefix("//") {
            resolved = "\(scheme.rawValue):\(reference)"
        } else if reference.hasPrefix("/") {
            resolved = origin + reference
        } else if reference.hasPrefix("?") {
            resolved = origin + path + reference
        } else {
            let directory = path[...(path.lastIndex(of: "/") ?? path.startIndex)]
            resolved = origin + directory + reference
        }
        return try? URLParser.parse(resolved)
    }

    public var description: String {
        origin + requestTarget
    }

    /// The path and query, as sent in the request line.
    public var requestTarget: String {
        query.map { "\(path)?\($0)" } ?? path
    }

    var isIPAddress: Bool {
        host.contains(":") || host.utf8.allSatisfy { $0 == UInt8(ascii: ".") || ($0 >= 48 && $0 <= 57) }
    }

    /// The host as it appears in a URL or `Host` header.
    var bracketedHost: String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// What the `Host` header carries: the port only when it is not the default.
    var authority: String {
        port == scheme.defaultPort ? bracketedHost : "\(bracketedHost):\(port)"
    }

    /// Always with the port, for messages about connecting.
    var hostAndPort: String {
        "\(bracketedHost):\(port)"
    }

    private var origin: String {
        "\(scheme.rawValue)://\(authority)"
    }
}
