import Glibc
import RingletPolicy
import Synchronization

/// Turns an allowed host name into addresses. The proxy is the only thing that resolves names (the
/// sandbox has no DNS), and it asks only after the name was allowed.
public protocol HostResolver: Sendable {
    func resolve(_ host: String) throws(ProxyError) -> [IPAddress]
}

/// The system's resolver (getaddrinfo: /etc/hosts, then DNS), with an optional table of names that
/// answers first, like curl's `--resolve`.
public struct SystemResolver: HostResolver {
    public var fixed: [String: [IPAddress]]

    public init(fixed: [String: [IPAddress]] = [:]) {
        self.fixed = fixed
    }

    /// Reads a hosts-format file (`ADDRESS NAME...` per line, `#` comments) into a resolver.
    public static func withHostsFile(_ text: String, file: String) throws(ProxyError) -> SystemResolver {
        var fixed: [String: [IPAddress]] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard !words.isEmpty else { continue }
            guard words.count >= 2, let address = IPAddress(parsing: String(words[0])) else {
                throw .invalidHostsFile(file, line: number + 1, reason: "expected an address followed by names")
            }
            for name in words.dropFirst() {
                guard let normalized = HostName.normalize(String(name)) else {
                    throw .invalidHostsFile(file, line: number + 1, reason: "'\(name)' is not a host name")
                }
                fixed[normalized, default: []].append(address)
            }
        }
        return SystemResolver(fixed: fixed)
    }

    public func resolve(_ host: String) throws(ProxyError) -> [IPAddress] {
        if let addresses = fixed[host] { return addresses }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw .cannotResolve(host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = IPAddress(current.pointee.ai_addr), !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}

extension IPAddress {
    init?(_ socketAddress: UnsafeMutablePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let value = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            self = .v4(UInt32(bigEndian: value))
        case AF_INET6:
            let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            self = .v6(bytes)
        default:
            return nil
        }
    }
}

/// A resolver that remembers every name it was asked about; tests use it to prove denied names are
/// never resolved.
public final class RecordingResolver: HostResolver {
    private let inner: any HostResolver
    private let asked = Mutex<[String]>([])

    public init(_ inner: any HostResolver) {
        self.inner = inner
    }

    public var queries: [String] { asked.withLock { $0 } }

    public func resolve(_ host: String) throws(ProxyError) -> [IPAddress] {
        asked.withLock { $0.append(host) }
        return try inner.resolve(host)
    }
}
