import Foundation
import RingletManifest
import RingletYAML
import Testing

/// Golden messages: every file under `Fixtures/bad/` is refused with exactly this `file:line:col: message`.
///
/// A user jumps to the location and reads the message, so both the wording and the position are part of
/// the contract; a change to either must be deliberate.
@Suite struct ManifestErrorMessageTests {
    static let cases: [(fixture: String, message: String)] = [
        // Unknown keys, with the closest known key as a hint, at top level and nested.
        ("unknown-key-with-hint.yaml", "7:1: unknown key 'instal_roots' (did you mean 'install_roots'?)"),
        ("unknown-nested-key-with-hint.yaml", "7:3: unknown key 'version_arg' (did you mean 'version_args'?)"),
        // Identity: kind, schema, id, version.
        ("missing-kind.yaml", "2:1: missing required key 'kind'"),
        ("unknown-kind.yaml", "1:7: unknown kind 'plugin' (expected one of: agent, provider, hooks, egg)"),
        ("schema-2.yaml", "2:9: schema 2 is not supported (this ringlet reads schema 1); upgrade ringlet or use an older manifest"),
        ("schema-as-string.yaml", "2:9: 'schema' must be an integer, found a string"),
        ("id-path-traversal.yaml", "3:5: id '../evil' must start with a lower-case letter or digit"),
        ("id-upper-case.yaml", "3:5: id 'Bad' must start with a lower-case letter or digit"),
        ("version-leading-zero.yaml", "4:10: invalid version '1.02.0': numeric identifier '02' has a leading zero"),
        // Agent schema.
        ("network-not-a-list.yaml", "7:10: 'network' must be a list, found 'api.x.com'"),
        ("network-invalid-entry.yaml", "9:5: network entry 'api_example.com' is not a host name, '*.suffix' or 'host:port'"),
        ("version-pattern-not-a-regex.yaml", "7:20: version_pattern is not a valid regular expression: expected ')'"),
        ("supported-not-a-range.yaml", "7:14: invalid version range '>=2.0.0 <<3': comparator '<<3': major version '<3' is not a number"),
        ("agent-unknown-api-family.yaml",
         "7:15: unknown API family 'cohere' (expected one of: anthropic, openai, openai-compatible, gemini, ollama)"),
        ("unknown-hook-adapter.yaml", "8:12: unknown hook adapter 'vscode' (expected one of: claude-settings, none)"),
        ("home-path-escapes.yaml", "8:24: '../.ssh' must be a path relative to HOME without '..'"),
        ("env-invalid-variable-name.yaml", "8:3: '1PASSWORD' is not a valid environment variable name"),
        // Provider schema.
        ("provider-unknown-api-family.yaml",
         "6:13: unknown API family 'cohere' (expected one of: anthropic, openai, openai-compatible, gemini, ollama)"),
        ("provider-two-default-endpoints.yaml", "8:7: only one endpoint may be the default"),
        ("provider-duplicate-endpoint.yaml", "10:15: endpoint 'main' is listed twice"),
        ("provider-api-without-endpoints.yaml",
         "6:5: API 'anthropic' has no endpoints and the provider does not allow a custom base URL"),
        ("provider-without-apis.yaml", "1:1: a provider needs at least one entry under 'apis'"),
        ("endpoint-url-without-scheme.yaml", "9:14: endpoint url 'api.example.com/v1' must start with https:// or http://"),
        ("network-invalid-port.yaml", "10:11: network entry 'api.example.com:99999' has an invalid port"),
        // Hook packs.
        ("hook-pack-unknown-event.yaml", "7:9: unknown hook event 'post-tool-use' (expected one of: pre-tool-use)"),
        ("hook-timeout-without-unit.yaml", "9:14: 'timeout' must be a duration above zero like 500ms, 10s or 5m, found '10'"),
        ("hook-pack-without-hooks.yaml", "5:8: a hook pack needs at least one hook under 'hooks'"),
        // Eggs.
        ("egg-fs-rule-without-colon.yaml",
         "8:7: 'rw/etc' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        ("egg-fs-rule-without-path.yaml", "7:7: 'deny:' names no path"),
        ("egg-fs-rule-written-as-mapping.yaml", "7:7: write 'deny:~/.ssh' with no space after the colon (YAML read 'deny: …' as a mapping)"),
        ("egg-memory-lots.yaml", "7:13: 'memory' must be a size like 512M or 4G, found 'lots'"),
        ("egg-without-policy.yaml", "1:1: missing required key 'policy'"),
        // The YAML layer.
        ("duplicate-key.yaml", "5:1: duplicate key 'id' (first defined on line 3)"),
        ("yaml-syntax-error.yaml", "6:1: while parsing a flow sequence: did not find expected ',' or ']'"),
        ("empty.yaml", "1:1: empty manifest (expected a mapping with 'kind', 'schema', 'id' and 'version')"),
        ("comments-only.yaml", "1:1: empty manifest (expected a mapping with 'kind', 'schema', 'id' and 'version')"),
        ("two-documents.yaml", "6:1: expected a single YAML document, found a second one"),
        ("top-level-list.yaml", "1:1: expected a mapping, found a list"),
    ]

    @Test(arguments: cases)
    func badManifestIsRefusedWithItsLocation(fixture: String, message: String) throws {
        let file = "bad/" + fixture
        #expect(try ManifestFixtures.error(file) == "\(file):\(message)")
    }

    /// A fixture added without a golden message (or a message whose fixture was deleted) fails here.
    @Test func everyBadFixtureHasAGoldenMessage() throws {
        let folder = ManifestFixtures.folder.appendingPathComponent("bad").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Self.cases.map(\.fixture)))
        #expect(Self.cases.count == Set(Self.cases.map(\.fixture)).count, "a fixture is listed twice")
    }

    /// The structured error carries the same location as its text, so editors and `--json` agree.
    @Test func errorLocationMatchesTheRenderedText() throws {
        let bytes = try ManifestFixtures.bytes("bad/unknown-key-with-hint.yaml")
        let error = #expect(throws: YAMLError.self) { try Manifest.decode(bytes, file: "x.yaml") }
        #expect(error?.location == YAMLLocation(file: "x.yaml", line: 7, column: 1))
        #expect(error == .unknownKey(YAMLLocation(file: "x.yaml", line: 7, column: 1), key: "instal_roots", suggestion: "install_roots"))
    }

    /// A key nothing like any known key gets no misleading hint.
    @Test func farFetchedUnknownKeyHasNoHint() {
        let message = ManifestFixtures.error(decoding: ManifestFixtures.agent("telemetry: false\n"))
        #expect(message == "inline.yaml:7:1: unknown key 'telemetry'")
    }
}
