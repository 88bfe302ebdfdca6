/// Everything that can be wrong with a YAML document, from a syntax error to a value the schema refuses.
///
/// Every case carries the location it is about, and `description` renders the compiler-style
/// `file:line:column: message` that users (and editors) know how to jump to.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case syntax(YAMLLocation, String)
    case limitExceeded(YAMLLocation, String)
    case duplicateKey(YAMLLocation, key: String, firstLine: Int)
    case unknownKey(YAMLLocation, key: String, suggestion: String?)
    case missingKey(YAMLLocation, key: String)
    case typeMismatch(YAMLLocation, key: String?, expected: String, found: String)
    case invalidValue(YAMLLocation, String)

    public var location: YAMLLocation? {
        switch self {
        case .unreadable: nil
        case .syntax(let l, _), .limitExceeded(let l, _), .duplicateKey(let l, _, _), .unknownKey(let l, _, _),
             .missingKey(let l, _), .typeMismatch(let l, _, _, _), .invalidValue(let l, _):
            l
        }
    }

    public var message: String {
        switch self {
        case .unreadable(_, let reason):
            return reason
        case .syntax(_, let problem):
            return problem
        case .limitExceeded(_, let what):
            return what
        case .duplicateKey(_, let key, let firstLine):
            return "duplicate key '\(key)' (first defined on line \(firstLine))"
        case .unknownKey(_, let key, let suggestion):
            if let suggestion { return "unknown key '\(key)' (did you mean '\(suggestion)'?)" }
            return "unknown key '\(key)'"
        case .missingKey(_, let key):
            return "missing required key '\(key)'"
        case .typeMismatch(_, let key, let expected, let found):
            if let key { return "'\(key)' must be \(expected), found \(found)" }
            return "expected \(expected), found \(found)"
        case .invalidValue(_, let message):
            return message
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): \(reason)"
        default: "\(location!): \(message)"
        }
    }
}
