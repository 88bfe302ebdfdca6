import RingletHTTP

/// A ringlet daemon on another machine, as `remotes.yaml` names it: a short name the user types and
/// the daemon's base URL. The name also keys its token in the credential store, so it follows rules
/// that are safe there and in a shell: `[a-z0-9][a-z0-9-]*`, at most 64 characters.
public struct Remote: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// Scheme, host and port only: API paths are appended to it.
    public let url: HTTPURL

    /// Checks both parts; nothing else makes a `Remote`, so every one in hand is valid.
    public init(name: String, url text: String) throws(RemoteError) {
        if let problem = Remote.problem(withName: name) { throw .invalidName(name, reason: problem) }
        self.name = name
        url = try Remote.baseURL(text)
    }

    /// The URL as the user should see it and as remotes.yaml keeps it: no trailing slash.
    public var urlText: String { String(url.description.dropLast()) }

    public var description: String { "\(name) (\(urlText))" }

    /// Why `name` cannot name a remote, or nil.
    public static func problem(withName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 64 else { return "a remote's name must be 1 to 64 characters" }
        let isLowerOrDigit = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard let first = name.utf8.first, isLowerOrDigit(first) else {
            return "a remote's name must start with a lower-case letter or digit"
        }
        guard name.utf8.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return "a remote's name may hold only lower-case letters, digits and '-'"
        }
        return nil
    }

    /// `path` (starting with `/`) on this remote.
    func endpoint(_ path: String) throws(RemoteError) -> HTTPURL {
        guard let resolved = url.resolving(path) else { throw .invalidURL(urlText + path, reason: "it is not a valid URL") }
        return resolved
    }

    /// An http or https URL naming a host and maybe a port, and nothing more: a path, query or
    /// fragment would be silently dropped or mixed into every API path.
    private static func baseURL(_ text: String) throws(RemoteError) -> HTTPURL {
        let url: HTTPURL
        do {
            url = try HTTPURL(parsing: text)
        } catch {
            guard case let .invalidURL(_, reason) = error else { throw .invalidURL(text, reason: error.description) }
            throw .invalidURL(text, reason: reason)
        }
        let afterScheme = text.firstRange(of: "://").map { text[$0.upperBound...] } ?? text[...]
        let rest = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" }.map { afterScheme[$0...] } ?? ""
        guard rest.isEmpty || rest == "/" else {
            throw .invalidURL(text, reason: "give only the scheme, host and port (like http://devbox:8765), without \"\(rest)\"")
        }
        return url
    }
}
