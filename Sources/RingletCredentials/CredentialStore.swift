/// Where provider API keys are kept, so commands that need a key neither know nor care whether it sits
/// in a private file or in the desktop keyring.
///
/// A store never prints, logs or puts a secret into an error: what leaves it is the secret itself,
/// returned by `read`, and nothing else.
public protocol CredentialStore: Sendable {
    /// The backend's name as `credentials.backend` spells it: "file" or "secret-service".
    var name: String { get }
    /// Where the keys are, for messages: the file's path, or the Secret Service.
    var location: String { get }
    /// The key stored for `key`, or nil when there is none.
    func read(_ key: CredentialKey) throws(CredentialError) -> String?
    /// Stores `secret` for `key`, replacing any key stored before.
    func write(_ secret: String, for key: CredentialKey) throws(CredentialError)
    /// Deletes the key stored for `key`; false when there was none.
    func remove(_ key: CredentialKey) throws(CredentialError) -> Bool
    /// Every stored key's name, sorted by provider, then profile.
    func list() throws(CredentialError) -> [CredentialKey]
}
