/// A semantic version as SemVer 2.0.0 defines it: `major.minor.patch`, an
/// optional prerelease tag (`-rc.1`) and optional build metadata (`+build.5`).
///
/// Equality, hashing and ordering all follow SemVer precedence, which ignores
/// build metadata: `1.0.0+a == 1.0.0+b`, although their descriptions differ.
/// Counting build metadata in `==` but not in `<` would leave pairs for which
/// neither `<` nor `==` holds, breaking `Comparable`, so it counts in neither.
/// Parsing is strict (no `v` prefix, no whitespace, no leading zeros, every
/// number within `UInt64`), so `description` reproduces the parsed text.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: UInt64
    public let minor: UInt64
    public let patch: UInt64
    /// Empty for a release.
    public let prerelease: [PrereleaseIdentifier]
    /// Kept for `description` only; it plays no part in comparisons.
    public let build: [String]

    /// A release version. Prerelease and build parts come only from parsing, so
    /// that every `Version` holds identifiers that print and parse back.
    public init(major: UInt64, minor: UInt64, patch: UInt64) {
        self.init(major: major, minor: minor, patch: patch, prerelease: [], build: [])
    }

    init(major: UInt64, minor: UInt64, patch: UInt64, prerelease: [PrereleaseIdentifier], build: [String]) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses a version such as `1.2.3` or `1.2.3-rc.1+build.5`.
    public init(parsing text: String) throws(SemverError) {
        do throws(ParseFailure) {
            self = try Version.parse(text)
        } catch {
            throw SemverError(subject: .version, input: text, reason: error.reason)
        }
    }

    private static func parse(_ text: String) throws(ParseFailure) -> Version {
        if text.isEmpty {
            throw ParseFailure("the text is empty")
        }
        if let blank = text.firstIndex(where: \.isWhitespace) {
            throw ParseFailure("whitespace at offset \(text.distance(from: text.startIndex, to: blank)) is not allowed")
        }
        if text.first == "v" || text.first == "V" {
            // npm tolerates the prefix in ranges (VersionRange does too), but a version proper never has it.
            throw ParseFailure("leading 'v' is not allowed")
        }
        let parts = try VersionSyntax.split(text[...])
        let core = parts.core.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else {
            throw ParseFailure("version core \(quoted(parts.core)) is not major.minor.patch")
        }
        return Version(
            major: try VersionSyntax.number(core[0], naming: "major version"),
            minor: try VersionSyntax.number(core[1], naming: "minor version"),
            patch: try VersionSyntax.number(core[2], naming: "patch version"),
            prerelease: parts.prerelease,
            build: parts.build
        )
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty {
            text += "-" + prerelease.map(\.description).joined(separator: ".")
        }
        if !build.isEmpty {
            text += "+" + build.joined(separator: ".")
        }
        return text
    }

    public static func == (lhs: Version, rhs: Version) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        // SemVer §11.3: a prerelease sorts before the release of the same core.
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        case (false, false): return lhs.prerelease.lexicographicallyPrecedes(rhs.prerelease)
        }
    }
}
