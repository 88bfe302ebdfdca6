/// Why a key could not be read, stored or removed, said so a user knows what happened, where, and
/// what to do next.
///
/// No case carries a secret, and none carries text read from a credentials file: a file that is
/// malformed is reported by line and column only, since the text there may be a key.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A provider id or profile name that breaks the id rules.
    case invalidKey(String)
    /// A secret that cannot be stored (empty, too long, a line break); the reason never holds the secret.
    case invalidSecret(String)
    /// The credentials file has permission bits beyond 0600 (`mode` is the file's permission bits).
    case exposedFile(path: String, mode: UInt32)
    /// The credentials file belongs to another user.
    case foreignOwner(path: String, owner: UInt32, user: UInt32)
    /// The credentials file is a symbolic link.
    case symlink(path: String)
    /// The credentials path is a folder, a device or a pipe.
    case notAFile(path: String)
    /// The credentials file is not the documented YAML shape.
    case malformedFile(path: String, line: Int, column: Int, problem: String)
    /// A system call on a file failed.
    case io(operation: String, path: String, reason: String)
    /// `secret-service` was asked for and cannot be used here; the reason says what is missing.
    case secretServiceUnavailable(String)
    /// secret-tool ran and failed.
    case secretServiceFailed(operation: String, reason: String)
    /// `config.yaml` is wrong (its message is compiler-style `file:line:column: problem`).
    case invalidSettings(String)
    /// A `credentials.backend` value that is not file, secret-service or auto.
    case unknownBackend(String)

    public var description: String {
        switch self {
        case .invalidKey(let problem):
            return problem
        case .invalidSecret(let problem):
            return "cannot store the key: \(problem)"
        case .exposedFile(let path, let mode):
            let octal = "0" + String(mode, radix: 8)
            let exposure = mode & 0o044 != 0 ? "is readable by others" : mode & 0o022 != 0 ? "is writable by others" : "is wider than 0600"
            return "\(path) \(exposure) (mode \(octal)); ringlet will not use keys that others may have read or changed. "
                + "Run `chmod 600 \(path)`, and replace the keys it holds if other users could log in here"
        case .foreignOwner(let path, let owner, let user):
            return "\(path) belongs to user id \(owner), not to you (user id \(user)); ringlet reads keys only from a file of your own. "
                + "Move it away and store the keys again"
        case .symlink(let path):
            return "\(path) is a symbolic link; ringlet keeps keys only in a regular file whose owner and mode it can check. "
                + "Replace the link with the file itself (mode 0600)"
        case .notAFile(let path):
            return "\(path) is not a regular file; move it away and store the keys again"
        case .malformedFile(let path, let line, let column, let problem):
            return "\(path):\(line):\(column): \(problem). The file's shape is `credentials: {PROVIDER: {PROFILE: KEY}}`; "
                + "fix it, or move it away and store the keys again"
        case .io(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .secretServiceUnavailable(let reason):
            return "the Secret Service is not available: \(reason). Unlock or start a desktop keyring (GNOME Keyring, KeePassXC), "
                + "or keep keys in a private file with `ringlet config set credentials.backend file`"
        case .secretServiceFailed(let operation, let reason):
            return "secret-tool could not \(operation): \(reason). Check that the desktop keyring is running and unlocked"
        case .invalidSettings(let message):
            return message
        case .unknownBackend(let value):
            return "unknown credentials backend '\(value)'; valid values: \(CredentialBackend.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
