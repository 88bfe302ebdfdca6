import RingletRegistry
import RingletSemver
import Testing

/// `id`, `id@range`, `registry/id@range`: what users and profiles write to name a manifest.
@Suite struct ManifestReferenceTests {
    @Test(arguments: [
        ("claude", nil, "claude", "*", "claude"),
        ("claude@^2.1", nil, "claude", "^2.1", "claude@^2.1"),
        ("claude@2.1.3", nil, "claude", "2.1.3", "claude@2.1.3"),
        ("acme/claude@~1.4", "acme", "claude", "~1.4", "acme/claude@~1.4"),
        ("acme/claude", "acme", "claude", "*", "acme/claude"),
        ("builtin/shell@1", "builtin", "shell", "1", "builtin/shell@1"),
        ("read-only-review@>=1.0.0 <2.0.0", nil, "read-only-review", ">=1.0.0 <2.0.0", "read-only-review@>=1.0.0 <2.0.0"),
        ("  claude@^2 \n", nil, "claude", "^2", "claude@^2"),
    ] as [(String, String?, String, String, String)])
    func validReference(text: String, registry: String?, id: String, range: String, description: String) throws {
        let reference = try ManifestReference(parsing: text)
        #expect(reference.registry == registry)
        #expect(reference.id == id)
        #expect(reference.range == (try VersionRange(parsing: range)))
        #expect(reference.description == description)
    }

    @Test func rangesMeanWhatTheySay() throws {
        let caret = try ManifestReference(parsing: "claude@^2.1").range
        #expect(caret.contains(try Version(parsing: "2.9.0")))
        #expect(!caret.contains(try Version(parsing: "2.0.9")))
        #expect(!caret.contains(try Version(parsing: "3.0.0")))
        let exact = try ManifestReference(parsing: "claude@2.1.3").range
        #expect(exact.contains(try Version(parsing: "2.1.3")))
        #expect(!exact.contains(try Version(parsing: "2.1.4")))
        let tilde = try ManifestReference(parsing: "acme/claude@~1.4").range
        #expect(tilde.contains(try Version(parsing: "1.4.7")))
        #expect(!tilde.contains(try Version(parsing: "1.5.0")))
        let any = try ManifestReference(parsing: "claude").range
        #expect(any.contains(try Version(parsing: "0.0.1")))
        #expect(!any.contains(try Version(parsing: "9.0.0-beta.1")), "'*' matches no prerelease")
    }

    @Test(arguments: [
        ("@1", "invalid reference '@1': id '' must be 1 to 64 characters"),
        ("claude@", "invalid reference 'claude@': nothing follows '@'; write a version or range such as @^2.1"),
        ("../x", "invalid reference '../x': registry name '..' must start with a lower-case letter or digit"),
        ("acme/", "invalid reference 'acme/': id '' must be 1 to 64 characters"),
        ("a/b/c", "invalid reference 'a/b/c': id 'b/c' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("/claude", "invalid reference '/claude': registry name '' must be 1 to 64 characters"),
        ("Acme/claude", "invalid reference 'Acme/claude': registry name 'Acme' must start with a lower-case letter or digit"),
        ("Claude", "invalid reference 'Claude': id 'Claude' must start with a lower-case letter or digit"),
        ("", "invalid reference '': id '' must be 1 to 64 characters"),
        ("claude@not-a-range", "invalid reference 'claude@not-a-range': invalid version range 'not-a-range': "
            + "comparator 'not-a-range': version 'not-a-range' has a prerelease or build but no patch version"),
        ("claude@@1", "invalid reference 'claude@@1': invalid version range '@1': comparator '@1': major version '@1' is not a number"),
    ])
    func invalidReferenceSaysWhy(text: String, message: String) {
        let error = #expect(throws: RegistryError.self) { try ManifestReference(parsing: text) }
        #expect(error?.description == message)
    }

    @Test func equalReferencesHashAlike() throws {
        let a = try ManifestReference(parsing: "acme/claude@^2")
        let b = try ManifestReference(parsing: " acme/claude@^2 ")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a != (try ManifestReference(parsing: "claude@^2")))
    }
}
