import RingletManifest
import RingletSemver
import Testing

/// YAML 1.1 "magic" (`no` → false, `on` → true, `1.10` → 1.1, `012` → 10) never applies where the
/// schema asks for a string, and the booleans the schema does ask for are only `true`/`false`.
@Suite struct ScalarSchemaTests {
    @Test(arguments: ["no", "on", "off", "yes", "y", "n", "true", "false", "1.10", "012", "0o17", "0x1F", "1_000", "1e3", ".inf", ".nan", "~x"])
    func stringFieldsKeepTheTextAsWritten(text: String) throws {
        let manifest = try ManifestFixtures.decode(text: ManifestFixtures.agent(
            "name: \(text)\ndescription: \(text)\nmodels:\n  default: \(text)\n  known: [\(text)]\n"))
        let agent = try #require(manifest.agent)
        #expect(agent.identity.name == text)
        #expect(agent.identity.description == text)
        #expect(agent.models.defaultModel == text)
        #expect(agent.models.known == [text])
    }

    @Test func identityAndBinaryFieldsStayStrings() throws {
        let text = """
            kind: agent
            schema: 1
            id: "no"
            version: 1.10.0
            description: no
            name: on
            binary:
              name: yes
              version_args: [on, "off"]
            env:
              set:
                COLOR: no
                LEVEL: 010
            """
        let agent = try #require(try ManifestFixtures.decode(text: text).agent)
        #expect(agent.identity.id == "no")
        #expect(agent.identity.version == Version(major: 1, minor: 10, patch: 0))
        #expect(agent.identity.version.description == "1.10.0")
        #expect(agent.identity.description == "no")
        #expect(agent.identity.name == "on")
        #expect(agent.binary.name == "yes")
        #expect(agent.binary.versionArguments == ["on", "off"])
        #expect(agent.environment.set == ["COLOR": "no", "LEVEL": "010"])
    }

    /// A version that YAML 1.1 would read as a float is not silently turned into `2.1.0`.
    @Test func floatLookingVersionIsRefused() {
        let text = "kind: agent\nschema: 1\nid: demo\nversion: 2.1\nbinary: {name: demo}\n"
        #expect(ManifestFixtures.error(decoding: text) == "inline.yaml:4:10: invalid version '2.1': version core '2.1' is not major.minor.patch")
    }

    @Test(arguments: [
        ("custom_base_url: yes", "inline.yaml:9:18: 'custom_base_url' must be true or false, found 'yes'"),
        ("custom_base_url: on", "inline.yaml:9:18: 'custom_base_url' must be true or false, found 'on'"),
        ("custom_base_url: \"true\"", "inline.yaml:9:18: 'custom_base_url' must be true or false, found a string"),
    ])
    func booleanFieldsTakeOnlyTrueOrFalse(line: String, message: String) {
        let provider = "kind: provider\nschema: 1\nid: demo\nversion: 1.0.0\napis:\n  - family: openai\n    endpoints:\n"
            + "      - {name: main, url: 'https://api.example.com'}\n" + line + "\n"
        #expect(ManifestFixtures.error(decoding: provider) == message)
    }

    @Test func nullNameFallsBackToTheID() throws {
        let manifest = try ManifestFixtures.decode(text: ManifestFixtures.agent("name: ~\ndescription:\n"))
        #expect(manifest.identity.name == "demo")
        #expect(manifest.identity.description == "")
    }

    @Test func quotedNullIsAString() throws {
        let manifest = try ManifestFixtures.decode(text: ManifestFixtures.agent("name: \"~\"\ndescription: 'null'\n"))
        #expect(manifest.identity.name == "~")
        #expect(manifest.identity.description == "null")
    }
}
