/// Which store keeps the keys, as `credentials.backend` in `config.yaml` says.
///
/// `auto`, the default, prefers the desktop keyring and falls back to the private file, so a laptop
/// gets encrypted storage and a server still works; naming a backend makes the choice fixed, and a
/// keyring that then cannot be reached is an error rather than a quiet fallback to a file.
public enum CredentialBackend: String, Sendable, CaseIterable {
    case file
    case secretService = "secret-service"
    case auto

    /// The store for `configured` ("file", "secret-service", "auto" or nil for auto).
    public static func select(configured: String?, configDirectory: String,
                              environment: (String) -> String?) throws(CredentialError) -> any CredentialStore {
        let backend: CredentialBackend
        if let configured {
            guard let parsed = CredentialBackend(rawValue: configured) else { throw .unknownBackend(configured) }
            backend = parsed
        } else {
            backend = .auto
        }
        switch backend {
        case .file:
            return FileCredentialStore(configDirectory: configDirectory)
        case .secretService:
            let store = SecretServiceStore(environment: environment)
            if let reason = store.unavailability() { throw .secretServiceUnavailable(reason) }
            return store
        case .auto:
            let store = SecretServiceStore(environment: environment)
            return store.isAvailable() ? store : FileCredentialStore(configDirectory: configDirectory)
        }
    }
}
