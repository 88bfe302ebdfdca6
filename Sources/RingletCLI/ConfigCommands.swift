import RingletCredentials
import RingletSystem
import RingletYAML

/// `ringlet config get|set`: the settings in `<config>/config.yaml`. There is one so far, and every
/// error about a key or a value lists the valid ones, so nobody has to look them up.
enum ConfigCommands {
    static let backendKey = "credentials.backend"
    static let keys = [backendKey]
    static let backendValues = CredentialBackend.allCases.map(\.rawValue)

    static var command: Command {
        Command("config", summary: "show and change ringlet's settings",
                discussion: """
                Settings live in <config>/config.yaml.
                  credentials.backend   where provider API keys are kept: file (<config>/credentials.yaml, mode 0600),
                                        secret-service (the desktop keyring, through secret-tool), or auto (the
                                        Secret Service when it answers, else the file; the default)
                """,
                subcommands: [get, set])
    }

    static let get = Command(
        "get", summary: "print a setting's value", arguments: [.init("KEY", help: keys.joined(separator: ", "))]
    ) { (invocation) throws(CLIError) in
        try checkKey(invocation.arguments[0], usage: invocation.usage)
        Console.out(try settings(invocation.context).backend.rawValue)
        return .success
    }

    static let set = Command(
        "set", summary: "change a setting",
        arguments: [.init("KEY", help: keys.joined(separator: ", ")), .init("VALUE", help: "for credentials.backend: \(backendValues.joined(separator: ", "))")]
    ) { (invocation) throws(CLIError) in
        try checkKey(invocation.arguments[0], usage: invocation.usage)
        let value = invocation.arguments[1]
        guard let backend = CredentialBackend(rawValue: value) else {
            throw .usage("'\(value)' is not a value of \(backendKey); valid values: \(backendValues.joined(separator: ", "))", usage: invocation.usage)
        }
        let configDirectory = invocation.context.directories.config
        var settings = try settings(invocation.context)
        settings.backend = backend
        do throws(CredentialError) { try settings.save(configDirectory: configDirectory) } catch {
            throw KeychainCommands.failure(error, usage: invocation.usage)
        }
        Console.out("\(backendKey) = \(backend.rawValue)")
        if backend == .secretService, let reason = SecretServiceStore(environment: Environment.value).unavailability() {
            Console.warn("the Secret Service is not available here: \(reason); commands that need a key will fail until it is")
        }
        return .success
    }

    private static func checkKey(_ key: String, usage: String) throws(CLIError) {
        guard keys.contains(key) else {
            let hint = KeySuggestion.closest(to: key, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
            throw .usage("unknown setting '\(key)'\(hint); valid settings: \(keys.joined(separator: ", "))", usage: usage)
        }
    }

    private static func settings(_ context: CLIContext) throws(CLIError) -> CredentialSettings {
        do throws(CredentialError) {
            return try CredentialSettings.load(configDirectory: context.directories.config)
        } catch {
            throw KeychainCommands.failure(error, usage: "")
        }
    }
}
