import Glibc

/// The rules behind `HTTPURL(parsing:)`, kept apart so that each failure carries a reason
/// a user can act on and `HTTPURL` only has to wrap it with the offending text.
enum URLParser {
    struct Failure: Error {
        let reason: String
    }

    static func parse(_ text: String) throws(Failure) -> HTTPURL {
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Failure(reason: "it contains the control character U+\(hex4(control.value))")
        }
        guard let separator = text.firstRange(of: "://") else {
            throw Failure(reason: "it has no scheme; write it as http://host/path or https://host/path")
        }
        let schemeText = text[..<separator.lowerBound]
        guard let scheme = HTTPURL.Scheme(rawValue: schemeText.lowercased()) else {
            throw Failure(reason: "the scheme \"\(schemeText)\" is not supported; use http or https")
        }
        var rest = text[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") {
            rest = rest[..<hash]
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else {
            throw Failure(reason: "credentials in URLs are not supported; remove the user:password@ part")
        }
        let (host, port) = try parseAuthority(authority, scheme: scheme)

        let target = rest[authorityEnd...]
        let queryStart = target.firstIndex(of: "?")
        let rawPath = queryStart.map { target[..<$0] } ?? target
        let rawQuery = queryStart.map { target[target.index(after: $0)...] }
        let path = removingDotSegments(try percentEncoded(rawPath.isEmpty ? "/" : rawPath, allowQuestionMark: false))
        let query = try rawQuery.map { substring throws(Failure) in try percentEncoded(substring, allowQuestionMark: true) }
        return HTTPURL(scheme: scheme, host: host, port: port, path: path, query: query)
    }

    /// RFC 3986 `scheme ":"` at the start, which makes a reference absolute.
    static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":") else { return false }
        let name = reference[..<colon].utf8
        guard let first = name.first, isASCIILetter(first) else { return false }
        return name.allSatisfy { isASCIILetter($0) || isDigit($0) || "+-.".utf8.contains($0) }
    }

    private static func parseAuthority(_ authority: Substring, scheme: HTTPURL.Scheme) throws(Failure) -> (String, Int) {
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw Failure(reason: "the IPv6 address has no closing ]")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw Failure(reason: "unexpected text \"\(after)\" after the IPv6 address")
            }
            portPart = after.isEmpty ? nil : after.dropFirst()
            return (try canonicalIPv6(hostPart), try parsePort(portPart, scheme: scheme))
        }
        guard authority.count(where: { $0 == ":" }) <= 1 else {
            throw Failure(reason: "IPv6 addresses must be written in brackets, like http://[::1]:8080/")
        }
        if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        return (try validatedHost(hostPart), try parsePort(portPart, scheme: scheme))
    }

    private static func validatedHost(_ host: Substring) throws(Failure) -> String {
        guard !host.isEmpty else { throw Failure(reason: "it has no host") }
        guard host.allSatisfy(\.isASCII) else {
            throw Failure(reason: "the host contains non-ASCII characters; use its xn-- (punycode) form")
        }
        if let bad = host.first(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) {
            throw Failure(reason: "the host contains the invalid character \"\(bad)\"")
        }
        // Names made only of digits and dots are addresses; insisting on the dotted-quad form
        // avoids the inet_aton shorthands ("127.1", octal "010") meaning something unexpected.
        if host.allSatisfy({ $0.isNumber || $0 == "." }) {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            let valid = parts.count == 4 && parts.allSatisfy { part in
                guard let value = Int(part), part.count <= 3, value <= 255 else { return false }
                return part.count == 1 || !part.hasPrefix("0")
            }
            guard valid else { throw Failure(reason: "\"\(host)\" is not a valid IPv4 address") }
        }
        return host.lowercased()
    }

    private static func canonicalIPv6(_ text: Substring) throws(Failure) -> String {
        guard !text.contains("%") else {
            throw Failure(reason: "IPv6 zone identifiers (the %… part) are not supported")
        }
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(text), &address) == 1 else {
            throw Failure(reason: "\"[\(text)]\" is not a valid IPv6 address")
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else {
            throw Failure(reason: "\"[\(text)]\" is not a valid IPv6 address")
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func parsePort(_ text: Substring?, scheme: HTTPURL.Scheme) throws(Failure) -> Int {
        guard let text, !text.isEmpty else { return scheme.defaultPort }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text), (1...65535).contains(port) else {
            throw Failure(reason: "the port \"\(text)\" is not a number from 1 to 65535")
        }
        return port
    }

    /// Bytes that may appear as they are in a path (RFC 3986 `pchar` and `/`) or query.
    private static func isAllowed(_ byte: UInt8, allowQuestionMark: Bool) -> Bool {
        isASCIILetter(byte) || isDigit(byte) || (allowQuestionMark && byte == UInt8(ascii: "?"))
            || "-._~!$&'()*+,;=:@/".utf8.contains(byte)
    }

    /// Encodes what a request line cannot carry (spaces, non-ASCII, quotes) so callers can
    /// pass readable paths, but rejects a stray `%`: guessing whether it was meant literally
    /// could silently fetch a different file.
    private static func percentEncoded(_ text: Substring, allowQuestionMark: Bool) throws(Failure) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    throw Failure(reason: "it contains a % that does not start a %XX escape; write a literal % as %25")
                }
                output.append(contentsOf: bytes[index...index + 2])
                index += 3
                continue
            }
            if isAllowed(byte, allowQuestionMark: allowQuestionMark) {
                output.append(byte)
            } else {
                output.append(contentsOf: "%\(hex2(byte))".utf8)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3986 section 5.2.4: `.` segments vanish, `..` removes the previous segment and
    /// never climbs above the root.
    static func removingDotSegments(_ path: String) -> String {
        var segments: [Substring] = []
        let input = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (offset, segment) in input.enumerated() {
            let isLast = offset == input.count - 1
            switch segment {
            case ".":
                if isLast { segments.append("") }
            case "..":
                if !segments.isEmpty { segments.removeLast() }
                if isLast { segments.append("") }
            default:
                segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    private static func hex4(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
