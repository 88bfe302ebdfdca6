import RingletCredentials
import Testing

/// Provider ids and profile names follow the id rules; masked keys show four characters at most.
@Suite struct CredentialKeyTests {
    @Test(arguments: ["anthropic", "openai", "a", "0", "my-profile", "work_2", "eu.west", String(repeating: "x", count: 64)])
    func safeIdsAreAccepted(_ id: String) throws {
        let key = try CredentialKey(provider: id, profile: id)
        #expect(key.provider == id)
        #expect(key.profile == id)
    }

    @Test(arguments: ["", "Anthropic", "open ai", "-lead", ".hidden", "_x", "a..b", "a/b", "../etc", "é", "a:b",
                      String(repeating: "x", count: 65)])
    func unsafeIdsAreRefusedSayingWhichPartAndWhy(_ id: String) {
        #expect(throws: CredentialError.self) { try CredentialKey(provider: id, profile: "default") }
        #expect(throws: CredentialError.self) { try CredentialKey(provider: "anthropic", profile: id) }
        do throws(CredentialError) {
            _ = try CredentialKey(provider: "anthropic", profile: id)
        } catch {
            #expect(error.description.hasPrefix("profile name '\(id)' "), "\(error)")
        }
        do throws(CredentialError) {
            _ = try CredentialKey(provider: id, profile: "default")
        } catch {
            #expect(error.description.hasPrefix("provider id '\(id)' "), "\(error)")
        }
    }

    @Test func keysSortByProviderThenProfile() throws {
        let keys = [try CredentialKey(provider: "b", profile: "a"), try CredentialKey(provider: "a", profile: "z"),
                    try CredentialKey(provider: "a", profile: "b")]
        #expect(keys.sorted().map(\.description) == ["provider 'a', profile 'b'", "provider 'a', profile 'z'", "provider 'b', profile 'a'"])
    }

    @Test func maskedKeysShowTheLastFourCharactersOfLongKeysOnly() {
        #expect(Secret.masked("sk-ant-api03-abcdefghijklmnop-wxyz") == "****…wxyz")
        #expect(Secret.masked("123456789012") == "****…9012")
        #expect(Secret.masked("12345678901") == "****")
        #expect(Secret.masked("abcd") == "****")
        #expect(Secret.masked("") == "****")
    }
}
