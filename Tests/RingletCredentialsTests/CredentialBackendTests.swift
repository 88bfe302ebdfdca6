import Glibc
import RingletCredentials
import RingletSystem
import RingletTestSupport
import Testing

/// Which store `credentials.backend` selects, and `config.yaml` that holds it.
@Suite struct CredentialBackendTests {
    /// A lookup of exactly `variables`, as the environment a command gets.
    static func environment(_ variables: [String: String]) -> (String) -> String? {
        { variables[$0] }
    }

    static let hasSecretTool = ["/usr/bin", "/bin", "/usr/local/bin"].contains { access($0 + "/secret-tool", X_OK) == 0 }

    @Test func fileIsTheFileStoreWhateverTheSessionOffers() throws {
        let store = try CredentialBackend.select(configured: "file", configDirectory: "/cfg",
                                                 environment: Self.environment(["DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"]))
        #expect(store.name == "file")
        #expect(store.location == "/cfg/credentials.yaml")
    }

    @Test(arguments: [nil, "auto"] as [String?])
    func autoFallsBackToTheFileWithoutASessionBus(_ configured: String?) throws {
        let store = try CredentialBackend.select(configured: configured, configDirectory: "/cfg",
                                                 environment: Self.environment(["PATH": "/usr/bin:/bin"]))
        #expect(store.name == "file")
    }

    @Test func secretServiceWithoutASessionBusIsAnErrorSayingSo() {
        #expect(throws: CredentialError.secretServiceUnavailable(
            Self.hasSecretTool ? "DBUS_SESSION_BUS_ADDRESS is not set, so there is no session bus to find a keyring on"
                : "secret-tool is not installed (Debian: apt install libsecret-tools)")) {
            _ = try CredentialBackend.select(configured: "secret-service", configDirectory: "/cfg",
                                             environment: Self.environment(["PATH": "/usr/bin:/bin"]))
        }
    }

    @Test func secretServiceWithoutSecretToolIsAnErrorSayingWhatToInstall() throws {
        let empty = try TemporaryDirectory()
        let store = SecretServiceStore(environment: Self.environment(["PATH": empty.path, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"]))
        #expect(store.tool == nil)
        #expect(!store.isAvailable())
        #expect(store.unavailability() == "secret-tool is not installed (Debian: apt install libsecret-tools)")
        #expect(throws: CredentialError.secretServiceUnavailable("secret-tool is not installed (Debian: apt install libsecret-tools)")) {
            _ = try store.list()
        }
    }

    @Test(.enabled(if: hasSecretTool, "needs secret-tool (scripts/install-dependencies installs libsecret-tools)"))
    func aSessionBusThatDoesNotAnswerMakesTheSecretServiceUnavailable() throws {
        let folder = try TemporaryDirectory()
        let environment = Self.environment(["PATH": "/usr/bin:/bin", "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(folder.path)/no-bus"])
        let store = SecretServiceStore(environment: environment)
        #expect(store.busAddress == "unix:path=\(folder.path)/no-bus")
        let reason = try #require(store.unavailability())
        #expect(reason.hasPrefix("secret-tool could not search the keyring: "), "\(reason)")
        #expect(try CredentialBackend.select(configured: nil, configDirectory: folder.path, environment: environment).name == "file")
        do throws(CredentialError) {
            _ = try CredentialBackend.select(configured: "secret-service", configDirectory: folder.path, environment: environment)
            Issue.record("an unreachable Secret Service was selected")
        } catch {
            #expect(error == .secretServiceUnavailable(reason))
            #expect(error.description.contains("ringlet config set credentials.backend file"))
        }
        // A write that cannot reach the keyring fails without repeating the key.
        let secret = "sk-unreachable-0123456789abcdef"
        let key = try CredentialKey(provider: "anthropic", profile: "default")
        do throws(CredentialError) {
            try store.write(secret, for: key)
            Issue.record("a write to an unreachable keyring succeeded")
        } catch {
            guard case .secretServiceFailed = error else { Issue.record("expected secretServiceFailed, got \(error)"); return }
            #expect(!error.description.contains("0123456789abcdef"), "\(error)")
        }
    }

    @Test func anUnknownBackendListsTheValidOnes() {
        #expect(throws: CredentialError.unknownBackend("keyring")) {
            _ = try CredentialBackend.select(configured: "keyring", configDirectory: "/cfg", environment: Self.environment([:]))
        }
        #expect(CredentialError.unknownBackend("keyring").description == "unknown credentials backend 'keyring'; valid values: file, secret-service, auto")
    }

    @Test func settingsDefaultToAutoAndRoundTripThroughConfigYAML() throws {
        let folder = try TemporaryDirectory()
        let config = folder.file("config")
        #expect(try CredentialSettings.load(configDirectory: config) == CredentialSettings(backend: .auto))
        for backend in CredentialBackend.allCases {
            try CredentialSettings(backend: backend).save(configDirectory: config)
            #expect(try CredentialSettings.load(configDirectory: config).backend == backend)
        }
        try CredentialSettings(backend: .secretService).save(configDirectory: config)
        let text = try FileBytes.readString(config + "/config.yaml")
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["credentials:", "  backend: secret-service"], "\(text)")
        #expect(try Directory.contents(config) == ["config.yaml"], "written atomically, nothing left over")

        try folder.write("config/config.yaml", "# nothing set yet\n")
        #expect(try CredentialSettings.load(configDirectory: config).backend == .auto)
        try folder.write("config/config.yaml", "credentials:\n")
        #expect(try CredentialSettings.load(configDirectory: config).backend == .auto)
    }

    @Test(arguments: [
        ("credentials:\n  backend: keyring\n", "config.yaml:2:12: credentials.backend must be one of file, secret-service, auto, not 'keyring'"),
        ("credentials:\n  backnd: file\n", "config.yaml:2:3: unknown key 'backnd' (did you mean 'backend'?)"),
        ("credential:\n  backend: file\n", "config.yaml:1:1: unknown key 'credential' (did you mean 'credentials'?)"),
        ("credentials: file\n", "config.yaml:1:14: 'credentials' must be a mapping, found 'file'"),
    ])
    func aWrongConfigYAMLSaysWhereAndWhat(_ content: String, _ message: String) throws {
        let folder = try TemporaryDirectory()
        try folder.write("config.yaml", content)
        #expect(throws: CredentialError.invalidSettings(folder.path + "/" + message)) {
            _ = try CredentialSettings.load(configDirectory: folder.path)
        }
    }
}
