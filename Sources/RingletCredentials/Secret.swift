/// Secrets as a person may see them: enough to tell two keys apart, never enough to use one.
public enum Secret {
    /// The most a key may be: real API keys and tokens are well under it, and the Secret Service gets
    /// the key through a socket buffer that holds it whole.
    public static let maximumLength = 16 << 10

    /// `****…abcd`: the last four characters of a key of at least twelve; a shorter key, where four
    /// characters would give away too much of it, is `****`.
    public static func masked(_ secret: String) -> String {
        guard secret.count >= 12 else { return "****" }
        return "****…" + secret.suffix(4)
    }

    /// Why `secret` cannot be stored, or nil; the reason never repeats the secret.
    static func problem(with secret: String) -> String? {
        if secret.isEmpty { return "the key is empty" }
        if secret.utf8.count > maximumLength { return "the key is \(secret.utf8.count) bytes, over the \(maximumLength)-byte limit" }
        if secret.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator }) {
            return "the key holds a line break or another control character, which API keys never do; check what was pasted"
        }
        return nil
    }
}
