import RingletCredentials
import RingletSystem

/// `ringlet keychain list|remove`: which provider keys are stored, for which profiles and where, and
/// deleting one, without ever showing a key (the list shows its last four characters at most).
///
/// Both look in the store `credentials.backend` selects and, when that is the Secret Service, also in
/// `credentials.yaml` if one is left from before: a key a user moved away from is still a key on disk.
enum KeychainCommands {
    static var command: Command {
        Command("keychain", summary: "list and remove stored provider API keys (never shown in full)",
                discussion: """
                Keys are stored per provider and profile, in the desktop keyring (the Secret Service) or in
                <config>/credentials.yaml (mode 0600), as `ringlet config set credentials.backend` selects.
                """,
                subcommands: [list, remove])
    }

    static let list = Command(
        "list", summary: "list stored keys by provider and profile, with where each is kept", options: [Command.jsonOption]
    ) { (invocation) throws(CLIError) in
        struct Row: Encodable { var provider: String, profile: String, backend: String, masked: String }
        let stores = try stores(invocation.context)
        var rows: [Row] = []
        do throws(CredentialError) {
            for store in stores {
                for key in try store.list() {
                    let masked = try store.read(key).map(Secret.masked) ?? ""
                    rows.append(Row(provider: key.provider, profile: key.profile, backend: store.name, masked: masked))
                }
            }
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        guard !rows.isEmpty else {
            Console.out("no keys stored (looked in \(stores.map(\.location).joined(separator: " and ")))")
            return .success
        }
        var table = TextTable(["PROVIDER", "PROFILE", "BACKEND", "KEY"])
        for row in rows { table.add([row.provider, row.profile, row.backend, row.masked]) }
        Console.out(table.text)
        return .success
    }

    static let remove = Command(
        "remove", summary: "delete the stored key of a provider for a profile",
        arguments: [.init("PROVIDER", help: "the provider id (e.g. anthropic)"), .init("PROFILE", help: "the profile name")]
    ) { (invocation) throws(CLIError) in
        let key: CredentialKey
        do throws(CredentialError) {
            key = try CredentialKey(provider: invocation.arguments[0], profile: invocation.arguments[1])
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        let stores = try stores(invocation.context)
        var removedFrom: [String] = []
        do throws(CredentialError) {
            for store in stores where try store.remove(key) { removedFrom.append(store.location) }
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        guard !removedFrom.isEmpty else {
            throw .failed("no key stored for \(key) (looked in \(stores.map(\.location).joined(separator: " and "))); "
                + "`ringlet keychain list` shows the stored keys")
        }
        Console.out("removed the key of \(key) from \(removedFrom.joined(separator: " and "))")
        return .success
    }

    /// The store the settings select, then `credentials.yaml` too when the selected store is another
    /// one and the file is there.
    static func stores(_ context: CLIContext) throws(CLIError) -> [any CredentialStore] {
        let configDirectory = context.directories.config
        do throws(CredentialError) {
            let settings = try CredentialSettings.load(configDirectory: configDirectory)
            let selected = try CredentialBackend.select(configured: settings.backend.rawValue, configDirectory: configDirectory,
                                                        environment: Environment.value)
            let file = FileCredentialStore(configDirectory: configDirectory)
            guard selected.name != file.name, FileStatus.of(file.path).exists else { return [selected] }
            return [selected, file]
        } catch {
            throw failure(error, usage: "")
        }
    }

    /// The exit status a credentials error ends with: 2 for a bad id or setting, 1 for the rest.
    static func failure(_ error: CredentialError, usage: String) -> CLIError {
        switch error {
        case .invalidKey(let problem): .usage(problem, usage: usage)
        case .invalidSettings, .unknownBackend: .invalidInput(error.description)
        default: .failed(error.description)
        }
    }
}
