import RingletCredentials
import RingletSystem

/// The one place commands read and write a profile's provider key: the store `credentials.backend`
/// selects (`ringlet config set credentials.backend …`), keyed by provider and profile.
enum ProfileCredentials {
    static func store(context: CLIContext) throws(CLIError) -> any CredentialStore {
        let config = context.directories.config
        do throws(CredentialError) {
            let settings = try CredentialSettings.load(configDirectory: config)
            return try CredentialBackend.select(configured: settings.backend.rawValue, configDirectory: config,
                                                environment: { Environment.value($0) })
        } catch {
            throw .failed(error.description)
        }
    }

    static func key(provider: String, profile: String, context: CLIContext) throws(CLIError) -> String? {
        let store = try store(context: context)
        do throws(CredentialError) {
            return try store.read(try CredentialKey(provider: provider, profile: profile))
        } catch {
            throw .failed(error.description)
        }
    }

    static func store(_ secret: String, provider: String, profile: String, context: CLIContext) throws(CLIError) {
        let store = try store(context: context)
        do throws(CredentialError) {
            try store.write(secret, for: try CredentialKey(provider: provider, profile: profile))
        } catch {
            throw .failed("cannot store the key of profile \(profile): \(error)")
        }
    }

    static func remove(provider: String, profile: String, context: CLIContext) throws(CLIError) {
        let store = try store(context: context)
        do throws(CredentialError) {
            _ = try store.remove(try CredentialKey(provider: provider, profile: profile))
        } catch {
            throw .failed(error.description)
        }
    }

    static func masked(_ secret: String) -> String { Secret.masked(secret) }

    static func storeName(context: CLIContext) -> String {
        (try? store(context: context)).map { "\($0.name): \($0.location)" } ?? "unavailable"
    }
}
