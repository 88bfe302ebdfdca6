import Glibc
import RingletSystem

/// Keys in the desktop keyring (GNOME Keyring, KeePassXC, KWallet) through the freedesktop Secret
/// Service: encrypted at rest and unlocked with the user's session, instead of lying in a file.
///
/// It goes through `secret-tool` (libsecret-tools) rather than speaking D-Bus itself: no library to
/// link, and the very tool a user can run to look at or repair what ringlet stored. Each key is an
/// item with the attributes `application ringlet`, `provider P`, `profile N` and the label
/// `Ringlet: P key for profile N`. The secret reaches secret-tool on its standard input, never on a
/// command line, where every user on the machine could read it in /proc; and what secret-tool prints
/// on its standard output (secrets, when listing) never goes into a message.
public struct SecretServiceStore: CredentialStore {
    /// secret-tool's path, or nil when it is not on PATH.
    public let tool: String?
    /// The session bus secret-tool reaches the keyring on, or nil when there is none.
    public let busAddress: String?
    /// How long a call may take: long enough for a person to answer an unlock prompt.
    let timeout: Duration = .seconds(60)

    /// The store as `environment` (a variable lookup, such as `Environment.value`) sets it up.
    public init(environment: (String) -> String?) {
        let path = environment("PATH").flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/bin:/usr/bin:/bin"
        tool = path.split(separator: ":").map { $0 + "/secret-tool" }.first { access($0, X_OK) == 0 }
        busAddress = environment("DBUS_SESSION_BUS_ADDRESS").flatMap { $0.isEmpty ? nil : $0 }
    }

    public var name: String { "secret-service" }
    public var location: String { "the Secret Service (desktop keyring)" }

    /// True when secret-tool is installed, there is a session bus, and a search on it succeeds.
    public func isAvailable() -> Bool {
        unavailability() == nil
    }

    /// Why the Secret Service cannot be used here, or nil when it answers.
    public func unavailability() -> String? {
        if let missing { return missing }
        do throws(CredentialError) {
            let probe = try run(["search", "application", "ringlet-availability-probe"], operation: "search the keyring", timeout: .seconds(10))
            guard probe.status == 0 else { return "secret-tool could not search the keyring: \(reason(probe))" }
            return nil
        } catch {
            return error.description
        }
    }

    /// What this machine lacks for the Secret Service, before asking it anything.
    private var missing: String? {
        if tool == nil { return "secret-tool is not installed (Debian: apt install libsecret-tools)" }
        if busAddress == nil { return "DBUS_SESSION_BUS_ADDRESS is not set, so there is no session bus to find a keyring on" }
        return nil
    }

    public func read(_ key: CredentialKey) throws(CredentialError) -> String? {
        let result = try run(["lookup"] + attributes(key), operation: "read the key of \(key)")
        if result.status == 1 && result.stderrText.trimmingWhitespace.isEmpty { return nil }
        try check(result, "read the key of \(key)")
        // A key put in by hand with `echo … | secret-tool store` ends in a line break no API key has.
        var secret = result.stdoutText
        while secret.hasSuffix("\n") || secret.hasSuffix("\r") { secret.removeLast() }
        return secret
    }

    public func write(_ secret: String, for key: CredentialKey) throws(CredentialError) {
        if let problem = Secret.problem(with: secret) { throw .invalidSecret(problem) }
        let label = "Ringlet: \(key.provider) key for profile \(key.profile)"
        let result = try run(["store", "--label", label] + attributes(key), input: secret, operation: "store the key of \(key)")
        try check(result, "store the key of \(key)")
    }

    public func remove(_ key: CredentialKey) throws(CredentialError) -> Bool {
        let result = try run(["clear"] + attributes(key), operation: "remove the key of \(key)")
        if result.status == 1 && result.stderrText.trimmingWhitespace.isEmpty { return false }
        try check(result, "remove the key of \(key)")
        return true
    }

    public func list() throws(CredentialError) -> [CredentialKey] {
        let result = try run(["search", "--all", "--unlock", "application", "ringlet"], operation: "list the keyring's ringlet items")
        try check(result, "list the keyring's ringlet items")
        // secret-tool prints each item's attributes on stderr (libsecret 0.20) or stdout (later), one
        // `attribute.NAME = VALUE` line each; only those lines are read, never the secrets beside them.
        let keys = SecretServiceStore.items(in: result.stderrText) + SecretServiceStore.items(in: result.stdoutText)
        return Set(keys).sorted()
    }

    private func attributes(_ key: CredentialKey) -> [String] {
        ["application", "ringlet", "provider", key.provider, "profile", key.profile]
    }

    /// The ringlet items described by `attribute.` lines. Items are told apart by their `[path]` header
    /// where there is one, else by an attribute name coming round again: every item has each once.
    static func items(in output: String) -> [CredentialKey] {
        var items: [[String: String]] = []
        var current: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("[") {
                items.append(current)
                current = [:]
                continue
            }
            guard line.hasPrefix("attribute."), let separator = line.firstRange(of: " = ") else { continue }
            let name = String(line[line.index(line.startIndex, offsetBy: 10) ..< separator.lowerBound])
            if current[name] != nil {
                items.append(current)
                current = [:]
            }
            current[name] = String(line[separator.upperBound...])
        }
        items.append(current)
        return items.compactMap { item in
            guard item["application"] == "ringlet", let provider = item["provider"], let profile = item["profile"] else { return nil }
            return try? CredentialKey(provider: provider, profile: profile)
        }
    }

    /// Runs secret-tool on the session bus, with `input` on its standard input.
    private func run(_ arguments: [String], input: String? = nil, operation: String, timeout: Duration? = nil) throws(CredentialError) -> Subprocess.Result {
        guard let tool, let busAddress else { throw .secretServiceUnavailable(missing ?? "") }
        let timeout = timeout ?? self.timeout
        var process = Subprocess(tool, arguments, environment: ["DBUS_SESSION_BUS_ADDRESS": busAddress], outputLimit: 4 << 20, timeout: timeout)
        if let input {
            process.passing = [0: try SecretServiceStore.inputDescriptor(input)]
        }
        do throws(SystemError) {
            return try process.run()
        } catch {
            if error.errno == ETIMEDOUT {
                throw .secretServiceFailed(operation: operation, reason: "no answer in \(timeout.components.seconds) seconds (a keyring waiting to be unlocked?)")
            }
            throw .secretServiceFailed(operation: operation, reason: error.description)
        }
    }

    /// A socket whose other end has already sent `input` and shut down, to become a child's standard
    /// input: the child reads `input`, then end of file. A socket pair because it is made close-on-exec
    /// in one call, so no other thread's child can inherit the secret's descriptor (Glibc's overlay hides pipe2).
    private static func inputDescriptor(_ input: String) throws(CredentialError) -> FileDescriptor {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .secretServiceFailed(operation: "pass the key", reason: SystemError.text(errno))
        }
        let sender = FileDescriptor(adopting: ends[0])
        let receiver = FileDescriptor(adopting: ends[1])
        defer { sender.close() }
        do throws(SystemError) {
            // The key is at most `Secret.maximumLength`, well inside a socket's buffer, so this never blocks.
            try sender.writeAll(Array(input.utf8))
        } catch {
            throw .secretServiceFailed(operation: "pass the key", reason: error.description)
        }
        shutdown(sender.rawValue, Int32(SHUT_WR))
        return receiver
    }

    private func check(_ result: Subprocess.Result, _ operation: String) throws(CredentialError) {
        guard result.status == 0 else { throw .secretServiceFailed(operation: operation, reason: reason(result)) }
    }

    /// What went wrong, from secret-tool's stderr only: its stdout may hold secrets.
    private func reason(_ result: Subprocess.Result) -> String {
        let message = result.stderrText.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("attribute.") }.joined(separator: "; ")
        return message.isEmpty ? "exit status \(result.status)" : message
    }
}
