/// A set of versions in npm's (node-semver's) range syntax, with Cargo's comma
/// accepted as an alternative to whitespace between comparators.
///
/// Parsing desugars every form (`^1.2`, `~1.2.3`, `1.x`, `1.2.3 - 2.3`, bare
/// partial versions, comparators joined by whitespace or commas and grouped with
/// `||`) into primitive comparators exactly as node-semver 7 does; `desugared`
/// shows the result. Each comparator keeps its npm meaning in a Cargo-style list:
/// a bare `1.2.3` is exact, not Cargo's implied caret. Matching follows npm's
/// prerelease rule: a prerelease version is in the range only if some comparator
/// of the same `&&`-set names a prerelease of the same `major.minor.patch`, so
/// `^1.2.3` excludes `1.3.0-beta` and `*` excludes every prerelease. Two ranges
/// are equal when they desugar to the same comparators, whatever their spelling.
public struct VersionRange: Sendable, Hashable, CustomStringConvertible {
    /// The range as written, trimmed, each run of whitespace shortened to one space.
    public let description: String
    /// `||`-alternatives of comparators that must all hold; an empty alternative matches every release.
    private let alternatives: [[Comparator]]

    public init(parsing text: String) throws(SemverError) {
        description = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        do throws(ParseFailure) {
            alternatives = try Self.parse(description)
        } catch {
            throw SemverError(subject: .versionRange, input: text, reason: error.reason)
        }
    }

    /// The primitive comparators in node-semver's notation, e.g. `^1.2 || 3.x` gives
    /// `>=1.2.0 <2.0.0-0||>=3.0.0 <4.0.0-0`, and `*` for a range that allows every release.
    public var desugared: String {
        let text = alternatives.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "||")
        return text.isEmpty ? "*" : text
    }

    public func contains(_ version: Version) -> Bool {
        alternatives.contains { comparators in
            comparators.allSatisfy { $0.matches(version) }
                && (!version.isPrerelease || comparators.contains { $0.admitsPrereleases(of: version) })
        }
    }

    /// The highest of `versions` in the range; of several with equal precedence, the first.
    public func bestMatch<S: Sequence>(in versions: S) -> Version? where S.Element == Version {
        var best: Version?
        for version in versions where contains(version) {
            if best.map({ $0 < version }) ?? true {
                best = version
            }
        }
        return best
    }

    public static func == (lhs: VersionRange, rhs: VersionRange) -> Bool {
        lhs.alternatives == rhs.alternatives
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(alternatives)
    }
}

extension VersionRange {
    private enum Token: Equatable {
        case word(Substring)
        case comma
    }

    /// Longer spellings first, so that `>=` is not read as `>` followed by `=1.2.3`.
    private static let operators: [(symbol: String, op: Comparator.Written)] = [
        (">=", .greaterOrEqual), ("<=", .lessOrEqual), (">", .greater), ("<", .less),
        ("=", .exact), ("~>", .tilde), ("~", .tilde), ("^", .caret),
    ]

    /// `text` has its whitespace already collapsed to single spaces.
    private static func parse(_ text: String) throws(ParseFailure) -> [[Comparator]] {
        var sets: [[Comparator]] = []
        for alternative in text.split(separator: "||", omittingEmptySubsequences: false) {
            sets.append(simplified(try comparators(in: tokens(alternative))))
        }
        // As node-semver: impossible alternatives go unless all are, and one `*` alternative absorbs the others.
        guard sets.count > 1 else { return sets }
        let possible = sets.filter { $0 != [.nothing] }
        if possible.isEmpty {
            return [[.nothing]]
        }
        return possible.count > 1 && possible.contains([]) ? [[]] : possible
    }

    private static func tokens(_ alternative: Substring) -> [Token] {
        var tokens: [Token] = []
        for chunk in alternative.split(separator: " ") {
            for (index, word) in chunk.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                if index > 0 {
                    tokens.append(.comma)
                }
                if !word.isEmpty {
                    tokens.append(.word(word))
                }
            }
        }
        return tokens
    }

    private static func comparators(in tokens: [Token]) throws(ParseFailure) -> [Comparator] {
        if tokens.count == 3, case .word(let from) = tokens[0], tokens[1] == .word("-"), case .word(let to) = tokens[2] {
            do throws(ParseFailure) {
                return try Comparator.desugarHyphen(from: PartialVersion(parsing: from), to: PartialVersion(parsing: to))
            } catch {
                throw ParseFailure("hyphen range \(quoted("\(from) - \(to)")): \(error.reason)")
            }
        }
        var comparators: [Comparator] = []
        var index = 0
        while index < tokens.count {
            guard case .word(let word) = tokens[index] else {
                let separatesTwo = index > 0 && index + 1 < tokens.count && tokens[index + 1] != .comma
                if !separatesTwo {
                    throw ParseFailure("',' must stand between two comparators")
                }
                index += 1
                continue
            }
            if word == "-" {
                throw ParseFailure("'-' must stand alone between two versions, as in '1.2.3 - 2.3.4'")
            }
            if isOperator(word) {
                // node-semver allows a space after the operator: `>= 1.2.3`, `^ 1`.
                guard index + 1 < tokens.count, case .word(let version) = tokens[index + 1], !isOperator(version) else {
                    throw ParseFailure("comparator \(quoted(word)) has no version")
                }
                comparators += try comparator(word, version)
                index += 2
            } else {
                comparators += try comparator("", word)
                index += 1
            }
        }
        return comparators
    }

    private static func isOperator(_ word: Substring) -> Bool {
        operators.contains { $0.symbol == word }
    }

    /// `written` is either a whole comparator (`>=1.2`) or the version after a detached operator.
    private static func comparator(_ detachedOperator: Substring, _ written: Substring) throws(ParseFailure) -> [Comparator] {
        let text = detachedOperator + written
        var op = Comparator.Written.exact
        var version = text[...]
        if let match = operators.first(where: { text.hasPrefix($0.symbol) }) {
            op = match.op
            version = text.dropFirst(match.symbol.count)
        }
        do throws(ParseFailure) {
            return try Comparator.desugar(op, PartialVersion(parsing: version))
        } catch {
            let shown = detachedOperator.isEmpty ? written : "\(detachedOperator) \(written)"
            throw ParseFailure("comparator \(quoted(shown)): \(error.reason)")
        }
    }

    /// node-semver's clean-up of one `&&`-set, which changes only how it prints:
    /// `>=0.0.0` is `*`, duplicates go, and anything impossible makes the whole set impossible.
    private static func simplified(_ comparators: [Comparator]) -> [Comparator] {
        var seen: Set<Comparator> = []
        var result: [Comparator] = []
        for comparator in comparators {
            if comparator == .nothing {
                return [.nothing]
            }
            if !comparator.isAnyRelease && seen.insert(comparator).inserted {
                result.append(comparator)
            }
        }
        return result
    }
}
