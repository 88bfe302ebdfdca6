/// The lexical rules of SemVer 2.0.0 (§2, §9, §10), shared by strict versions
/// and by the partial versions written inside ranges.
enum VersionSyntax {
    /// A version's text cut at its first `+` and then its first `-`, with the
    /// prerelease and build identifiers already validated.
    struct Parts {
        var core: Substring
        var prerelease: [PrereleaseIdentifier] = []
        var build: [String] = []
    }

    static func split(_ text: Substring) throws(ParseFailure) -> Parts {
        var parts = Parts(core: text)
        // Build metadata may contain '-', so it is cut off before looking for the prerelease.
        if let plus = parts.core.firstIndex(of: "+") {
            for identifier in parts.core[parts.core.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false) {
                try checkCharacters(identifier, kind: "build")
                parts.build.append(String(identifier))
            }
            parts.core = parts.core[..<plus]
        }
        if let dash = parts.core.firstIndex(of: "-") {
            for identifier in parts.core[parts.core.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false) {
                parts.prerelease.append(try prereleaseIdentifier(identifier))
            }
            parts.core = parts.core[..<dash]
        }
        return parts
    }

    /// Parses a `major`, `minor` or `patch` component; `name` says which one for the message.
    static func number(_ text: Substring, naming name: String) throws(ParseFailure) -> UInt64 {
        guard !text.isEmpty else { throw ParseFailure("\(name) is empty") }
        guard text.utf8.allSatisfy(isDigit) else { throw ParseFailure("\(name) \(quoted(text)) is not a number") }
        return try numericIdentifier(text)
    }

    private static func prereleaseIdentifier(_ text: Substring) throws(ParseFailure) -> PrereleaseIdentifier {
        try checkCharacters(text, kind: "prerelease")
        if text.utf8.allSatisfy(isDigit) {
            return .numeric(try numericIdentifier(text))
        }
        return .alphanumeric(String(text))
    }

    /// `digits` is non-empty and all ASCII digits.
    private static func numericIdentifier(_ digits: Substring) throws(ParseFailure) -> UInt64 {
        if digits.utf8.count > 1 && digits.utf8.first == UInt8(ascii: "0") {
            throw ParseFailure("numeric identifier \(quoted(digits)) has a leading zero")
        }
        var value: UInt64 = 0
        for digit in digits.utf8 {
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, addOverflow) = shifted.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if shiftOverflow || addOverflow {
                throw ParseFailure("numeric identifier \(quoted(digits)) is larger than \(UInt64.max)")
            }
            value = sum
        }
        return value
    }

    private static func checkCharacters(_ identifier: Substring, kind: String) throws(ParseFailure) {
        guard !identifier.isEmpty else { throw ParseFailure("empty \(kind) identifier") }
        let isAllowed = { (scalar: Unicode.Scalar) in
            scalar.isASCII && (isDigit(UInt8(scalar.value)) || isLetter(UInt8(scalar.value)) || scalar == "-")
        }
        if let bad = identifier.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw ParseFailure("\(kind) identifier \(quoted(identifier)) contains invalid character \(quoted(String(bad)))")
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
