import Glibc

/// An IPv4 or IPv6 address, parsed and printed by the C library, and what kind of network it is on.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    public init?(parsing text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: v6) { Array($0) })
            return
        }
        return nil
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch self {
        case .v4(let value):
            var address = in_addr(s_addr: value.bigEndian)
            inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Why a connection to this address needs the host to be named explicitly, or nil for a public address.
    public var restrictedKind: String? {
        switch self {
        case .v4(let value):
            return IPAddress.v4Kind(value)
        case .v6(let bytes):
            if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
            if bytes[0 ..< 15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback" }
            if bytes[0 ..< 10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                let embedded = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
                return "IPv4-mapped " + (IPAddress.v4Kind(embedded) ?? "address")
            }
            if bytes[0] & 0xfe == 0xfc { return "unique local (ULA)" }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return "link-local" }
            if bytes[0] == 0xff { return "multicast" }
            return nil
        }
    }

    private static func v4Kind(_ value: UInt32) -> String? {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool { value >> (32 - bits) == network >> (32 - bits) }
        if within(0x7f00_0000, 8) { return "loopback" }
        if within(0x0000_0000, 8) { return "unspecified (0.0.0.0/8)" }
        if within(0x0a00_0000, 8) || within(0xac10_0000, 12) || within(0xc0a8_0000, 16) { return "private (RFC 1918)" }
        if within(0xa9fe_0000, 16) { return "link-local (cloud metadata lives here)" }
        if within(0x6440_0000, 10) { return "carrier-grade NAT (100.64.0.0/10)" }
        if within(0xe000_0000, 4) || value == 0xffff_ffff { return "multicast or broadcast" }
        return nil
    }
}
