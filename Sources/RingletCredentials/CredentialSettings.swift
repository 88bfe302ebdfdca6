import RingletSystem
import RingletYAML

/// The user's settings in `<config>/config.yaml` — today the one that says where provider keys are
/// kept — read here so every command that needs a key picks the same store.
///
/// ```yaml
/// credentials:
///   backend: secret-service   # file | secret-service | auto (the default)
/// ```
///
/// Unknown keys are refused, as in every file ringlet reads, so a typo is reported instead of ignored.
public struct CredentialSettings: Sendable, Equatable {
    public static let fileName = "config.yaml"

    public var backend: CredentialBackend

    public init(backend: CredentialBackend = .auto) {
        self.backend = backend
    }

    public static func path(configDirectory: String) -> String {
        configDirectory + "/" + fileName
    }

    /// The settings in the file, or the defaults when there is no file.
    public static func load(configDirectory: String) throws(CredentialError) -> CredentialSettings {
        let path = path(configDirectory: configDirectory)
        guard FileStatus.of(path).exists else { return CredentialSettings() }
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else { return CredentialSettings() }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["credentials"])
            guard let credentials = try map.optionalMapping("credentials") else { return CredentialSettings() }
            try credentials.requireKnownKeys(["backend"])
            guard let text = try credentials.optionalString("backend") else { return CredentialSettings() }
            guard let backend = CredentialBackend(rawValue: text) else {
                let valid = CredentialBackend.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(credentials.location(of: "backend"), "credentials.backend must be one of \(valid), not '\(text)'")
            }
            return CredentialSettings(backend: backend)
        } catch {
            throw .invalidSettings(error.description)
        }
    }

    /// Replaces the file atomically, creating the config folder if needed.
    public func save(configDirectory: String) throws(CredentialError) {
        let path = CredentialSettings.path(configDirectory: configDirectory)
        var writer = YAMLWriter(header: ["Ringlet settings; `ringlet config set KEY VALUE` changes them."])
        writer.key("credentials")
        writer.scalar("backend", backend.rawValue, indent: 2)
        do throws(SystemError) {
            try Directory.create(configDirectory)
            try AtomicFile.write(writer.text, to: path)
        } catch {
            throw .io(operation: "write", path: path, reason: error.description)
        }
    }
}
