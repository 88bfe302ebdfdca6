import RingletSemver
import Testing

@Suite struct VersionTests {
    @Test(arguments: [
        ("0.0.0", 0, 0, 0, [], []),
        ("1.2.3", 1, 2, 3, [], []),
        ("10.20.30", 10, 20, 30, [], []),
        ("1.2.3-rc.1+build.5", 1, 2, 3, [.alphanumeric("rc"), .numeric(1)], ["build", "5"]),
        ("1.0.0-alpha", 1, 0, 0, [.alphanumeric("alpha")], []),
        ("1.0.0-0.3.7", 1, 0, 0, [.numeric(0), .numeric(3), .numeric(7)], []),
        ("1.0.0-x.7.z.92", 1, 0, 0, [.alphanumeric("x"), .numeric(7), .alphanumeric("z"), .numeric(92)], []),
        ("1.0.0-x-y-z.--", 1, 0, 0, [.alphanumeric("x-y-z"), .alphanumeric("--")], []),
        ("1.0.0-00a", 1, 0, 0, [.alphanumeric("00a")], []),
        ("1.0.0+20130313144700", 1, 0, 0, [], ["20130313144700"]),
        ("1.0.0+001", 1, 0, 0, [], ["001"]),
        ("1.0.0-beta+exp.sha.5114f85", 1, 0, 0, [.alphanumeric("beta")], ["exp", "sha", "5114f85"]),
        ("1.0.0+21AF26D3----117B344092BD", 1, 0, 0, [], ["21AF26D3----117B344092BD"]),
        ("1.0.0-rc-1+build-1", 1, 0, 0, [.alphanumeric("rc-1")], ["build-1"]),
        ("18446744073709551615.0.0", UInt64.max, 0, 0, [], []),
        ("1.2.3-18446744073709551615", 1, 2, 3, [.numeric(UInt64.max)], []),
    ] as [(String, UInt64, UInt64, UInt64, [PrereleaseIdentifier], [String])])
    func parsesValidVersions(text: String, major: UInt64, minor: UInt64, patch: UInt64, prerelease: [PrereleaseIdentifier], build: [String]) throws {
        let version = try Version(parsing: text)
        #expect(version.major == major)
        #expect(version.minor == minor)
        #expect(version.patch == patch)
        #expect(version.prerelease == prerelease)
        #expect(version.build == build)
        #expect(version.isPrerelease == !prerelease.isEmpty)
        #expect(version.description == text)
    }

    @Test(arguments: [
        ("", "invalid version '': the text is empty"),
        ("1.02.3", "invalid version '1.02.3': numeric identifier '02' has a leading zero"),
        ("01.2.3", "invalid version '01.2.3': numeric identifier '01' has a leading zero"),
        ("1.2.00", "invalid version '1.2.00': numeric identifier '00' has a leading zero"),
        ("1.2.3-rc.01", "invalid version '1.2.3-rc.01': numeric identifier '01' has a leading zero"),
        ("v1.2.3", "invalid version 'v1.2.3': leading 'v' is not allowed"),
        ("V1.2.3", "invalid version 'V1.2.3': leading 'v' is not allowed"),
        ("=1.2.3", "invalid version '=1.2.3': major version '=1' is not a number"),
        (" 1.2.3", "invalid version ' 1.2.3': whitespace at offset 0 is not allowed"),
        ("1.2.3 ", "invalid version '1.2.3 ': whitespace at offset 5 is not allowed"),
        ("1.2.3-rc 1", "invalid version '1.2.3-rc 1': whitespace at offset 8 is not allowed"),
        ("1.2.3\n", "invalid version '1.2.3\\u{A}': whitespace at offset 5 is not allowed"),
        ("1.2.3\u{1B}", "invalid version '1.2.3\\u{1B}': patch version '3\\u{1B}' is not a number"),
        ("1.2", "invalid version '1.2': version core '1.2' is not major.minor.patch"),
        ("1", "invalid version '1': version core '1' is not major.minor.patch"),
        ("1.2.3.4", "invalid version '1.2.3.4': version core '1.2.3.4' is not major.minor.patch"),
        ("-1.2.3", "invalid version '-1.2.3': version core '' is not major.minor.patch"),
        ("1..3", "invalid version '1..3': minor version is empty"),
        (".2.3", "invalid version '.2.3': major version is empty"),
        ("1.2.", "invalid version '1.2.': patch version is empty"),
        ("1.x.3", "invalid version '1.x.3': minor version 'x' is not a number"),
        ("a.b.c", "invalid version 'a.b.c': major version 'a' is not a number"),
        ("1.2.3beta", "invalid version '1.2.3beta': patch version '3beta' is not a number"),
        ("1.2.3-", "invalid version '1.2.3-': empty prerelease identifier"),
        ("1.2.3-a..b", "invalid version '1.2.3-a..b': empty prerelease identifier"),
        ("1.2.3-rc.", "invalid version '1.2.3-rc.': empty prerelease identifier"),
        ("1.2.3+", "invalid version '1.2.3+': empty build identifier"),
        ("1.2.3+a..b", "invalid version '1.2.3+a..b': empty build identifier"),
        ("1.2.3-rc_1", "invalid version '1.2.3-rc_1': prerelease identifier 'rc_1' contains invalid character '_'"),
        ("1.2.3+bü", "invalid version '1.2.3+bü': build identifier 'bü' contains invalid character 'ü'"),
        ("1.2.3+a+b", "invalid version '1.2.3+a+b': build identifier 'a+b' contains invalid character '+'"),
        ("18446744073709551616.0.0", "invalid version '18446744073709551616.0.0': numeric identifier '18446744073709551616' is larger than 18446744073709551615"),
        ("1.99999999999999999999.0", "invalid version '1.99999999999999999999.0': numeric identifier '99999999999999999999' is larger than 18446744073709551615"),
        ("1.2.3-18446744073709551616", "invalid version '1.2.3-18446744073709551616': numeric identifier '18446744073709551616' is larger than 18446744073709551615"),
        ("١.٢.٣", "invalid version '١.٢.٣': major version '١' is not a number"),
        ("1.2.3-\u{202E}a", "invalid version '1.2.3-\\u{202E}a': prerelease identifier '\\u{202E}a' contains invalid character '\\u{202E}'"),
    ])
    func rejectsInvalidVersions(text: String, message: String) {
        let error = #expect(throws: SemverError.self) { try Version(parsing: text) }
        #expect(error?.description == message)
        #expect(error?.subject == .version)
        #expect(error?.input == text)
    }

    /// SemVer 2.0.0 §11, extended with core-version steps.
    static let precedenceChain = [
        "0.0.0-0", "0.0.0", "0.0.1", "0.1.0", "0.9.99", "1.0.0-0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
        "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0",
        "2.1.0", "2.1.1", "18446744073709551615.0.0",
    ]

    @Test func precedenceFollowsTheSpecification() throws {
        let versions = try Self.precedenceChain.map { text throws(SemverError) in try Version(parsing: text) }
        for (i, lower) in versions.enumerated() {
            for higher in versions[(i + 1)...] {
                #expect(lower < higher, "\(lower) < \(higher)")
                #expect(!(higher < lower), "not \(higher) < \(lower)")
                #expect(lower != higher)
            }
            #expect(!(lower < lower))
        }
        var generator = SplitMix64(seed: 11)
        #expect(versions.shuffled(using: &generator).sorted() == versions)
        #expect(versions.reversed().sorted() == versions)
    }

    @Test(arguments: [
        ("1.0.0-2", "1.0.0-10"),
        ("1.0.0-10", "1.0.0-a"),
        ("1.0.0-99999", "1.0.0-0a"),
        ("1.0.0-a10", "1.0.0-a2"),
        ("1.0.0-Z", "1.0.0-a"),
        ("1.0.0--", "1.0.0-0-"),
        ("1.0.0-alpha", "1.0.0-alpha-1"),
        ("1.0.0-alpha.1", "1.0.0-alpha-1"),
        ("1.0.0-alpha.99", "1.0.0-alpha.a"),
        ("1.0.0-rc.1.1", "1.0.0-rc.2"),
        ("1.9.9", "1.10.0"),
        ("1.2.3-alpha+zzz", "1.2.3-beta+aaa"),
    ])
    func prereleaseIdentifiersCompare(lower: String, higher: String) throws {
        let low = try Version(parsing: lower)
        let high = try Version(parsing: higher)
        #expect(low < high)
        #expect(!(high < low))
        #expect(high > low)
    }

    @Test func buildMetadataDoesNotAffectPrecedenceOrEquality() throws {
        let a = try Version(parsing: "1.0.0-rc.1+a")
        let b = try Version(parsing: "1.0.0-rc.1+b.2")
        let none = try Version(parsing: "1.0.0-rc.1")
        #expect(a == b)
        #expect(a == none)
        #expect(!(a < b) && !(b < a))
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b, none]).count == 1)
        #expect(a.description == "1.0.0-rc.1+a")
        #expect(b.description == "1.0.0-rc.1+b.2")
    }

    @Test func errorsAreValuesThatCompare() {
        func failure(_ text: String) -> SemverError? {
            #expect(throws: SemverError.self) { try Version(parsing: text) }
        }
        #expect(failure("1.2") == failure("1.2"))
        #expect(failure("1.2") != failure("1.3"))
        #expect(failure("1.02.0")?.reason == "numeric identifier '02' has a leading zero")
    }

    @Test func memberwiseReleaseMatchesParsedVersion() throws {
        let built = Version(major: 4, minor: 0, patch: 12)
        #expect(built == (try Version(parsing: "4.0.12")))
        #expect(built.description == "4.0.12")
        #expect(!built.isPrerelease)
        #expect(built.build.isEmpty)
    }

    @Test(arguments: [
        (PrereleaseIdentifier.numeric(0), "0"),
        (.numeric(42), "42"),
        (.alphanumeric("rc-1"), "rc-1"),
    ])
    func prereleaseIdentifierDescription(identifier: PrereleaseIdentifier, text: String) {
        #expect(identifier.description == text)
    }
}
