import RingletManifest
import Testing

/// Ids become folder names in registries and caches, so the alphabet must not be able to spell a path.
@Suite struct ManifestIdentityTests {
    @Test(arguments: [
        "claude", "a", "0", "9lives", "safe-shell", "read_only", "v1.2", "a.b.c", "x-", String(repeating: "x", count: 64),
    ])
    func validID(id: String) {
        #expect(ManifestIdentity.problem(withID: id) == nil)
    }

    @Test(arguments: [
        ("", "id '' must be 1 to 64 characters"),
        (String(repeating: "x", count: 65), "id '\(String(repeating: "x", count: 65))' must be 1 to 64 characters"),
        ("a" + String(repeating: "é", count: 32), "id 'a\(String(repeating: "é", count: 32))' must be 1 to 64 characters"),
        ("Bad", "id 'Bad' must start with a lower-case letter or digit"),
        ("../evil", "id '../evil' must start with a lower-case letter or digit"),
        ("/etc", "id '/etc' must start with a lower-case letter or digit"),
        (".hidden", "id '.hidden' must start with a lower-case letter or digit"),
        ("-x", "id '-x' must start with a lower-case letter or digit"),
        ("_x", "id '_x' must start with a lower-case letter or digit"),
        ("éclair", "id 'éclair' must start with a lower-case letter or digit"),
        ("bAd", "id 'bAd' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a..b", "id 'a..b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a/b", "id 'a/b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a/../b", "id 'a/../b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a b", "id 'a b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a\\b", "id 'a\\b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("café", "id 'café' may hold only lower-case letters, digits, '-', '_' and single '.'"),
        ("a@1", "id 'a@1' may hold only lower-case letters, digits, '-', '_' and single '.'"),
    ])
    func invalidID(id: String, problem: String) {
        #expect(ManifestIdentity.problem(withID: id) == problem)
    }

    @Test func nounNamesWhatIsChecked() {
        #expect(ManifestIdentity.problem(withID: "Acme", noun: "registry name")
            == "registry name 'Acme' must start with a lower-case letter or digit")
        #expect(ManifestIdentity.problem(withID: "", noun: "hook name") == "hook name '' must be 1 to 64 characters")
    }

    @Test func identityDefaultsNameToIDAndDescriptionToEmpty() throws {
        let identity = try ManifestFixtures.decode(text: ManifestFixtures.agent()).identity
        #expect(identity.name == "demo")
        #expect(identity.description == "")
        #expect(identity.idLocation.line == 3 && identity.idLocation.column == 5)
        #expect(identity.versionLocation.line == 4 && identity.versionLocation.column == 10)
    }

    @Test func hookNamesFollowTheIDRules() {
        let text = "kind: hooks\nschema: 1\nid: demo\nversion: 1.0.0\nhooks:\n  - name: Check\n    on: pre-tool-use\n    shell: exit 0\n"
        #expect(ManifestFixtures.error(decoding: text)
            == "inline.yaml:6:11: hook name 'Check' must start with a lower-case letter or digit")
        let twice = "kind: hooks\nschema: 1\nid: demo\nversion: 1.0.0\nhooks:\n"
            + "  - {name: a, on: pre-tool-use, shell: 'true'}\n  - {name: a, on: pre-tool-use, shell: 'false'}\n"
        #expect(ManifestFixtures.error(decoding: twice) == "inline.yaml:7:12: hook 'a' is defined twice")
    }
}
