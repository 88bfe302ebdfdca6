/// One dot-separated part of a prerelease tag, such as `rc` or `1` in `rc.1`.
///
/// SemVer 2.0.0 §11.4 compares identifiers made only of digits numerically,
/// all others in ASCII order, and puts numeric ones first. The order of the
/// cases below is what makes the synthesized `Comparable` follow that rule.
public enum PrereleaseIdentifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    case numeric(UInt64)
    case alphanumeric(String)

    public var description: String {
        switch self {
        case .numeric(let value): String(value)
        case .alphanumeric(let text): text
        }
    }
}
