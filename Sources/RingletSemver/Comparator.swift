/// One primitive constraint such as `>=1.2.3` or `<2.0.0-0`.
///
/// Every range syntax (caret, tilde, x-range, hyphen, partial version) is
/// desugared into sets of these exactly as node-semver 7 does it, so matching
/// needs only five operators, and `VersionRange.desugared` can be checked
/// against node-semver's own output. Upper bounds carry the prerelease `-0`,
/// the lowest version of their core, so that `<2.0.0-0` also excludes every
/// `2.0.0` prerelease.
struct Comparator: Sendable, Hashable, CustomStringConvertible {
    enum Operator: String, Sendable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case equal = ""
    }

    let op: Operator
    /// Never carries build metadata, which ranges ignore.
    let version: Version

    /// node-semver's spelling of "nothing": no version precedes `0.0.0-0`.
    static let nothing = Comparator(op: .less, version: Version(major: 0, minor: 0, patch: 0, prerelease: [.numeric(0)], build: []))

    /// `>=0.0.0`, which node-semver treats as `*`.
    var isAnyRelease: Bool {
        op == .greaterOrEqual && version == Version(major: 0, minor: 0, patch: 0)
    }

    func matches(_ candidate: Version) -> Bool {
        switch op {
        case .less: candidate < version
        case .lessOrEqual: candidate <= version
        case .greater: candidate > version
        case .greaterOrEqual: candidate >= version
        case .equal: candidate == version
        }
    }

    /// npm lets a prerelease through only where the range itself names a prerelease of that same release.
    func admitsPrereleases(of candidate: Version) -> Bool {
        version.isPrerelease
            && (version.major, version.minor, version.patch) == (candidate.major, candidate.minor, candidate.patch)
    }

    var description: String { op.rawValue + version.description }
}

extension Comparator {
    /// The operators a range may put in front of a (partial) version; no operator and `=` are both `exact`.
    enum Written: Sendable {
        case exact, less, lessOrEqual, greater, greaterOrEqual, caret, tilde
    }

    /// The comparators meaning `op v`; an empty result matches every release.
    static func desugar(_ op: Written, _ v: PartialVersion) throws(ParseFailure) -> [Comparator] {
        guard let major = v.major else {
            // Nothing is above or below "any version"; every other operator on `*` allows everything.
            return op == .greater || op == .less ? [.nothing] : []
        }
        guard let minor = v.minor, let patch = v.patch else {
            return try desugarWildcard(op, major, v.minor)
        }
        let version = Version(major: major, minor: minor, patch: patch, prerelease: v.prerelease, build: [])
        switch op {
        case .exact: return [Comparator(op: .equal, version: version)]
        case .less: return [Comparator(op: .less, version: version)]
        case .lessOrEqual: return [Comparator(op: .lessOrEqual, version: version)]
        case .greater: return [Comparator(op: .greater, version: version)]
        case .greaterOrEqual: return [Comparator(op: .greaterOrEqual, version: version)]
        case .tilde: return [Comparator(op: .greaterOrEqual, version: version), try below(major, next(minor), 0)]
        case .caret:
            // The leftmost non-zero component is the one that may not change.
            let upper = if major != 0 {
                try below(next(major), 0, 0)
            } else if minor != 0 {
                try below(0, next(minor), 0)
            } else {
                try below(0, 0, next(patch))
            }
            return [Comparator(op: .greaterOrEqual, version: version), upper]
        }
    }

    /// `op major.x` (`minor == nil`) or `op major.minor.x`.
    private static func desugarWildcard(_ op: Written, _ major: UInt64, _ minor: UInt64?) throws(ParseFailure) -> [Comparator] {
        switch op {
        case .exact, .tilde:
            return try span(major, minor)
        case .caret:
            // `^0.2` may not leave 0.2; `^1.2` may go up to, not including, 2.0.0.
            guard let minor, major != 0 else { return try span(major, minor) }
            return [atLeast(major, minor, 0), try below(next(major), 0, 0)]
        case .greaterOrEqual:
            return [atLeast(major, minor ?? 0, 0)]
        case .less:
            return [below(major, minor ?? 0, 0)]
        case .greater:
            let (endMajor, endMinor) = try end(major, minor)
            return [atLeast(endMajor, endMinor, 0)]
        case .lessOrEqual:
            let (endMajor, endMinor) = try end(major, minor)
            return [below(endMajor, endMinor, 0)]
        }
    }

    /// `from - to`: each side may be partial; a partial upper side includes all it stands for.
    static func desugarHyphen(from: PartialVersion, to: PartialVersion) throws(ParseFailure) -> [Comparator] {
        var comparators: [Comparator] = []
        if let major = from.major {
            if let minor = from.minor, let patch = from.patch {
                comparators.append(atLeast(major, minor, patch, from.prerelease))
            } else {
                comparators.append(atLeast(major, from.minor ?? 0, 0))
            }
        }
        if let major = to.major {
            if let minor = to.minor, let patch = to.patch {
                let version = Version(major: major, minor: minor, patch: patch, prerelease: to.prerelease, build: [])
                comparators.append(Comparator(op: .lessOrEqual, version: version))
            } else {
                let (endMajor, endMinor) = try end(major, to.minor)
                comparators.append(below(endMajor, endMinor, 0))
            }
        }
        return comparators
    }

    /// Every version written `major.x` (`minor == nil`) or `major.minor.x`.
    private static func span(_ major: UInt64, _ minor: UInt64?) throws(ParseFailure) -> [Comparator] {
        let (endMajor, endMinor) = try end(major, minor)
        return [atLeast(major, minor ?? 0, 0), below(endMajor, endMinor, 0)]
    }

    /// The first `major.minor` past `major.x` or `major.minor.x`.
    private static func end(_ major: UInt64, _ minor: UInt64?) throws(ParseFailure) -> (UInt64, UInt64) {
        guard let minor else { return (try next(major), 0) }
        return (major, try next(minor))
    }

    private static func atLeast(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, _ prerelease: [PrereleaseIdentifier] = []) -> Comparator {
        Comparator(op: .greaterOrEqual, version: Version(major: major, minor: minor, patch: patch, prerelease: prerelease, build: []))
    }

    /// Below `major.minor.patch` and all of its prereleases.
    private static func below(_ major: UInt64, _ minor: UInt64, _ patch: UInt64) -> Comparator {
        Comparator(op: .less, version: Version(major: major, minor: minor, patch: patch, prerelease: [.numeric(0)], build: []))
    }

    private static func next(_ component: UInt64) throws(ParseFailure) -> UInt64 {
        let (result, overflow) = component.addingReportingOverflow(1)
        if overflow {
            throw ParseFailure("\(component) is too large to compute an upper bound")
        }
        return result
    }
}
