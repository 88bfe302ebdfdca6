/// Names one stored API key: a provider's key as one profile uses it, so two profiles can hold
/// different keys (personal and work accounts) for the same provider.
///
/// Both parts become YAML keys, Secret Service attribute values, labels and table cells, so they are
/// held to the id rules that make them safe in all of those at once: nothing to quote, no path tricks,
/// nothing a terminal would interpret.
public struct CredentialKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let provider: String
    public let profile: String

    public init(provider: String, profile: String) throws(CredentialError) {
        if let problem = CredentialKey.problem(with: provider, noun: "provider id") { throw .invalidKey(problem) }
        if let problem = CredentialKey.problem(with: profile, noun: "profile name") { throw .invalidKey(problem) }
        self.provider = provider
        self.profile = profile
    }

    /// "provider 'anthropic', profile 'work'".
    public var description: String { "provider '\(provider)', profile '\(profile)'" }

    public static func < (a: CredentialKey, b: CredentialKey) -> Bool {
        (a.provider, a.profile) < (b.provider, b.profile)
    }

    /// Why `id` cannot be a provider id or profile name, or nil: 1 to 64 of lower-case letters, digits,
    /// '-', '_' and single '.', starting with a letter or digit (the rule manifests and profiles follow).
    static func problem(with id: String, noun: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= 64 else { return "\(noun) '\(id)' must be 1 to 64 characters" }
        guard let first = id.unicodeScalars.first, ("a" ... "z").contains(first) || ("0" ... "9").contains(first) else {
            return "\(noun) '\(id)' must start with a lower-case letter or digit"
        }
        let allowed = id.unicodeScalars.allSatisfy { ("a" ... "z").contains($0) || ("0" ... "9").contains($0) || "-_.".unicodeScalars.contains($0) }
        guard allowed, !id.contains("..") else {
            return "\(noun) '\(id)' may hold only lower-case letters, digits, '-', '_' and single '.'"
        }
        return nil
    }
}
