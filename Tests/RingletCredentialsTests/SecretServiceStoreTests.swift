import Foundation
import RingletCredentials
import RingletTestSupport
import Testing

/// The Secret Service for real: GNOME Keyring in a private D-Bus session, reached through secret-tool
/// by the store and by the built `ringlet`. Skipped, saying why, only where gnome-keyring cannot start.
@Suite struct SecretServiceStoreTests {
    static func key(_ provider: String, _ profile: String) throws -> CredentialKey {
        try CredentialKey(provider: provider, profile: profile)
    }

    static func store(_ session: KeyringSession) -> SecretServiceStore {
        let environment = session.environment
        return SecretServiceStore(environment: { environment[$0] })
    }

    @Test func keysRoundTripPerProviderAndProfileAsLabelledItems() throws {
        let session = try KeyringSession.startOrSkip()
        let store = Self.store(session)
        #expect(store.isAvailable())
        #expect(store.name == "secret-service")
        #expect(try store.list().isEmpty)
        #expect(try store.read(Self.key("anthropic", "default")) == nil)

        let secrets = [
            try Self.key("anthropic", "default"): "sk-ant-api03-personal-AAAA",
            try Self.key("anthropic", "work"): "sk-ant-api03-work-BBBB",
            try Self.key("openai", "default"): "--label=not-an-option ключ 🔑 \"quoted\"",
            try Self.key("openai", "work.eu"): "sk-proj-openai-eu-DDDD",
        ]
        for (key, secret) in secrets { try store.write(secret, for: key) }
        for (key, secret) in secrets { #expect(try store.read(key) == secret, "\(key)") }
        #expect(try store.list() == secrets.keys.sorted())

        try store.write("sk-ant-api03-rotated-EEEE", for: Self.key("anthropic", "work"))
        #expect(try store.read(Self.key("anthropic", "work")) == "sk-ant-api03-rotated-EEEE")
        #expect(try store.list().count == 4, "writing again replaces the item")

        // What a user sees with secret-tool: the label and the three attributes, the key unchanged.
        let lookup = try session.secretTool(["lookup", "application", "ringlet", "provider", "openai", "profile", "default"])
        #expect(lookup.status == 0 && lookup.stdout == "--label=not-an-option ключ 🔑 \"quoted\"", "\(lookup)")
        let search = try session.secretTool(["search", "--all", "application", "ringlet", "provider", "anthropic", "profile", "work"])
        #expect(search.stdout.contains("label = Ringlet: anthropic key for profile work"), "\(search)")
        let attributes = (search.stdout + search.stderr).split(separator: "\n").filter { $0.hasPrefix("attribute.") }.sorted()
        #expect(attributes == ["attribute.application = ringlet", "attribute.profile = work", "attribute.provider = anthropic"])

        #expect(try store.remove(Self.key("anthropic", "work")) == true)
        #expect(try store.remove(Self.key("anthropic", "work")) == false)
        #expect(try store.read(Self.key("anthropic", "work")) == nil)
        #expect(try store.read(Self.key("anthropic", "default")) == "sk-ant-api03-personal-AAAA", "other keys stay")
        #expect(try store.list() == [try Self.key("anthropic", "default"), try Self.key("openai", "default"), try Self.key("openai", "work.eu")])
    }

    @Test func listShowsRingletItemsOnlyAndReadsKeysStoredByHand() throws {
        let session = try KeyringSession.startOrSkip()
        let store = Self.store(session)
        let stored = [
            ["store", "--label", "other app", "application", "other", "provider", "anthropic", "profile", "default"],
            ["store", "--label", "bad ids", "application", "ringlet", "provider", "Not An Id", "profile", "default"],
            ["store", "--label", "by hand", "application", "ringlet", "provider", "mistral", "profile", "default"],
        ]
        for arguments in stored {
            let result = try session.secretTool(arguments, stdin: "sk-stored-by-hand-1234\n")
            try #require(result.status == 0, "\(result)")
        }
        #expect(try store.list() == [try Self.key("mistral", "default")])
        #expect(try store.read(Self.key("mistral", "default")) == "sk-stored-by-hand-1234", "the line break `echo` adds is not part of the key")
        #expect(try store.read(Self.key("anthropic", "default")) == nil, "another application's item is not ringlet's")
    }

    @Test func autoSelectsTheSecretServiceWhenItAnswers() throws {
        let session = try KeyringSession.startOrSkip()
        let environment = session.environment
        let folder = try TemporaryDirectory()
        let auto = try CredentialBackend.select(configured: nil, configDirectory: folder.path, environment: { environment[$0] })
        #expect(auto.name == "secret-service")
        #expect(try CredentialBackend.select(configured: "secret-service", configDirectory: folder.path, environment: { environment[$0] }).name == "secret-service")
        #expect(try CredentialBackend.select(configured: "file", configDirectory: folder.path, environment: { environment[$0] }).name == "file")
    }

    @Test func aKeyringThatWentAwayFailsWithoutRepeatingTheKey() throws {
        var session: KeyringSession? = try KeyringSession.startOrSkip()
        let store = Self.store(session!)
        session = nil
        let secret = "sk-after-the-session-0123456789abcdef"
        let key = try Self.key("anthropic", "default")
        do throws(CredentialError) {
            try store.write(secret, for: key)
            Issue.record("a write without a keyring succeeded")
        } catch {
            guard case .secretServiceFailed = error else { Issue.record("expected secretServiceFailed, got \(error)"); return }
            #expect(error.description.hasPrefix("secret-tool could not store the key of provider 'anthropic', profile 'default': "), "\(error)")
            #expect(!error.description.contains("0123456789abcdef"), "\(error)")
        }
        #expect(!store.isAvailable())
    }

    /// The built `ringlet` with `credentials.backend secret-service`: a key put in the keyring with
    /// secret-tool (as `ringlet profiles create --api-key-stdin` will) is listed, masked, and removed.
    @Test func ringletListsAndRemovesKeysInTheKeyring() throws {
        let session = try KeyringSession.startOrSkip()
        let workspace = try RingletWorkspace("ringlet-keychain")
        let bus = ["DBUS_SESSION_BUS_ADDRESS": session.busAddress]
        let secret = "sk-ant-api03-keyring-e2e-0123456789-wxyz"

        let set = try workspace.run(["config", "set", "credentials.backend", "secret-service"], environment: bus)
        #expect(set.status == 0 && set.stdout.contains("credentials.backend = secret-service"), "\(set)")
        #expect(!set.stderr.contains("warning"), "the keyring answers, so no warning: \(set)")
        let get = try workspace.run(["config", "get", "credentials.backend"], environment: bus)
        #expect(get.status == 0 && get.stdout == "secret-service\n", "\(get)")

        let stored = try session.secretTool(["store", "--label", "Ringlet: anthropic key for profile work",
                                             "application", "ringlet", "provider", "anthropic", "profile", "work"], stdin: secret)
        try #require(stored.status == 0, "\(stored)")

        let json = try workspace.run(["keychain", "list", "--json"], environment: bus)
        try #require(json.status == 0, "\(json)")
        let rows = try json.jsonArray()
        #expect(rows.count == 1, "\(json)")
        #expect(rows.first?["provider"] as? String == "anthropic")
        #expect(rows.first?["profile"] as? String == "work")
        #expect(rows.first?["backend"] as? String == "secret-service")
        #expect(rows.first?["masked"] as? String == "****…wxyz")
        let table = try workspace.run(["keychain", "list"], environment: bus)
        #expect(table.status == 0 && table.stdout.contains("anthropic") && table.stdout.contains("secret-service"), "\(table)")
        for result in [json, table] {
            #expect(!(result.stdout + result.stderr).contains("0123456789"), "the key never shows: \(result)")
        }

        let removed = try workspace.run(["keychain", "remove", "anthropic", "work"], environment: bus)
        #expect(removed.status == 0 && removed.stdout.contains("removed the key of provider 'anthropic', profile 'work'"), "\(removed)")
        let lookup = try session.secretTool(["lookup", "application", "ringlet", "provider", "anthropic", "profile", "work"])
        #expect(lookup.status == 1 && lookup.stdout.isEmpty, "the item is gone from the keyring: \(lookup)")
        let again = try workspace.run(["keychain", "remove", "anthropic", "work"], environment: bus)
        #expect(again.status == 1 && again.stderr.contains("no key stored for provider 'anthropic', profile 'work'"), "\(again)")
        let empty = try workspace.run(["keychain", "list", "--json"], environment: bus)
        #expect(try empty.status == 0 && empty.jsonArray().isEmpty, "\(empty)")

        // Without the session's bus the configured keyring is unreachable: an error that says why, not a file.
        let unreachable = try workspace.run("keychain", "list")
        #expect(unreachable.status == 1 && unreachable.stderr.contains("DBUS_SESSION_BUS_ADDRESS is not set"), "\(unreachable)")
        #expect(!FileManager.default.fileExists(atPath: workspace.home + "/config/credentials.yaml"))
    }
}
