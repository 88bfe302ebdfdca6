/// Why a version or a version range could not be parsed.
///
/// `description` reads `invalid <subject> '<input>': <reason>`, where the reason
/// quotes the offending part (an identifier, a comparator, an offset), so a
/// command-line front end can show it to the user unchanged. Control and
/// invisible formatting characters from the input are escaped as `\u{…}`, so a
/// message always stays on one line of a terminal or a log.
public struct SemverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being parsed.
    public enum Subject: String, Sendable, Equatable {
        case version = "version"
        case versionRange = "version range"
    }

    public let subject: Subject
    /// The text exactly as the caller passed it.
    public let input: String
    /// What is wrong, without the `invalid …` preamble.
    public let reason: String

    public var description: String {
        "invalid \(subject.rawValue) \(quoted(input)): \(reason)"
    }
}

/// The parsers below the public entry points know what is wrong but not which
/// public call they serve; the entry point turns this into a `SemverError`.
struct ParseFailure: Error {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Quotes user text for an error message. Messages end up on terminals and in
/// line-oriented logs, where raw control characters, line separators or
/// bidirectional overrides could break or disguise them, so those are escaped.
func quoted(_ text: some StringProtocol) -> String {
    var result = "'"
    for scalar in text.unicodeScalars {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator:
            result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result + "'"
}
