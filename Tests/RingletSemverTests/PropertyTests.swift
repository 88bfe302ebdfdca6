import RingletSemver
import Testing

/// A small seeded generator, so that a failing random case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PropertyTests {
    /// Every release `M.m.p` with components in `0...3`.
    static let releases: [Version] = (0...3).flatMap { major in
        (0...3).flatMap { minor in
            (0...3).map { patch in Version(major: UInt64(major), minor: UInt64(minor), patch: UInt64(patch)) }
        }
    }

    /// Checks caret and tilde against their definitions in npm's documentation rather than node-semver's desugaring.
    @Test(arguments: releases.filter { $0.major < 3 && $0.minor < 3 && $0.patch < 3 })
    func caretAndTildeKeepTheirPromise(base: Version) throws {
        let caret = try VersionRange(parsing: "^\(base)")
        let tilde = try VersionRange(parsing: "~\(base)")
        for candidate in Self.releases {
            let sameLeftmostNonZero = if base.major != 0 {
                candidate.major == base.major
            } else if base.minor != 0 {
                candidate.major == 0 && candidate.minor == base.minor
            } else {
                candidate.major == 0 && candidate.minor == 0 && candidate.patch == base.patch
            }
            #expect(caret.contains(candidate) == (candidate >= base && sameLeftmostNonZero), "^\(base) vs \(candidate)")
            let sameMinor = candidate.major == base.major && candidate.minor == base.minor
            #expect(tilde.contains(candidate) == (candidate >= base && sameMinor), "~\(base) vs \(candidate)")
        }
    }

    /// Random text from the characters the parsers care about: nothing may trap, and whatever parses must round-trip.
    @Test(arguments: 0..<8)
    func randomTextNeverTraps(seed: UInt64) throws {
        let alphabet: [String] = [
            "0", "1", "2", "9", "00", ".", ".", "-", "+", "x", "X", "*", "^", "~", ">", "<", "=", "|", "||",
            " ", " ", ",", "v", "a", "rc", "\t", "\u{0}", "é", "\u{301}", "🦊", "18446744073709551615", "18446744073709551616",
        ]
        var generator = SplitMix64(seed: seed)
        let probes = Self.releases + [try Version(parsing: "1.2.3-rc.1"), try Version(parsing: "0.0.0-0")]
        for _ in 0..<500 {
            let length = Int.random(in: 0...16, using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            if let version = try? Version(parsing: text) {
                #expect(version.description == text)
                #expect(try Version(parsing: version.description) == version)
            }
            if let range = try? VersionRange(parsing: text) {
                try expectDesugaredFormIsEquivalent(range, probes: probes)
            }
        }
    }

    /// Random well-formed ranges: all must parse, and their desugared form must mean the same.
    @Test(arguments: 0..<8)
    func randomRangesDesugarFaithfully(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let operators = ["", "=", "<", "<=", ">", ">=", "^", "~", "~>", "v", ">= ", "^ "]
        let components = ["0", "1", "2", "x", "*"]
        let prereleases = ["", "", "", "-0", "-rc.1", "-alpha"]
        func partial() -> String {
            let count = Int.random(in: 1...3, using: &generator)
            let core = (0..<count).map { _ in components.randomElement(using: &generator)! }.joined(separator: ".")
            return count == 3 ? core + prereleases.randomElement(using: &generator)! : core
        }
        func alternative() -> String {
            if Int.random(in: 0..<5, using: &generator) == 0 {
                return "\(partial()) - \(partial())"
            }
            return (0..<Int.random(in: 1...3, using: &generator))
                .map { _ in operators.randomElement(using: &generator)! + partial() }
                .joined(separator: Bool.random(using: &generator) ? " " : ", ")
        }
        let probes = (0...2).flatMap { major in
            (0...2).flatMap { minor in
                (0...2).flatMap { patch in
                    ["", "-0", "-alpha", "-rc.1", "-rc.2"].map { "\(major).\(minor).\(patch)\($0)" }
                }
            }
        }
        let versions = try probes.map { text throws(SemverError) in try Version(parsing: text) }
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 1...3, using: &generator)).map { _ in alternative() }.joined(separator: " || ")
            let range = try #require(try? VersionRange(parsing: text), "\(text)")
            try expectDesugaredFormIsEquivalent(range, probes: versions)
        }
    }

    private func expectDesugaredFormIsEquivalent(_ range: VersionRange, probes: [Version]) throws {
        let reparsed = try VersionRange(parsing: range.desugared)
        #expect(reparsed == range, "\(range) desugars to \(range.desugared)")
        #expect(reparsed.desugared == range.desugared)
        for probe in probes {
            #expect(reparsed.contains(probe) == range.contains(probe), "\(range) vs \(probe)")
        }
        let best = range.bestMatch(in: probes)
        #expect(best == probes.filter(range.contains).max())
    }
}
