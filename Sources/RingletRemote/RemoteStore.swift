import RingletCredentials
import RingletSystem
import RingletYAML

/// The remotes a user added, in `<config>/remotes.yaml`, and their tokens, which live in the
/// credential store (provider `ringlet-remote`, profile = the remote's name) and never in the file:
/// remotes.yaml may be shared or backed up like any other setting.
///
/// ```yaml
/// remotes:
///   lab:
///     url: http://10.0.0.5:8765
/// ```
///
/// Changes are made under a lock and written atomically, so concurrent commands each keep theirs and
/// a failed change leaves the file as it was.
public struct RemoteStore: Sendable {
    public static let fileName = "remotes.yaml"
    /// The credential store's provider id for remote tokens.
    public static let tokenProvider = "ringlet-remote"

    public let configDirectory: String
    public let credentials: any CredentialStore

    public init(configDirectory: String, credentials: any CredentialStore) {
        self.configDirectory = configDirectory
        self.credentials = credentials
    }

    public var path: String { configDirectory + "/" + RemoteStore.fileName }

    /// Every remote, sorted by name.
    public func list() throws(RemoteError) -> [Remote] {
        guard FileStatus.of(path).exists else { return [] }
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else { return [] }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["remotes"])
            guard let remotes = try map.optionalMapping("remotes") else { return [] }
            var result: [Remote] = []
            for pair in remotes.pairs {
                let name = pair.key.keyText ?? ""
                let entry = try pair.value.mapping(key: name)
                try entry.requireKnownKeys(["url"])
                let url = try entry.string("url")
                switch Result(catching: { () throws(RemoteError) in try Remote(name: name, url: url) }) {
                case let .success(remote): result.append(remote)
                case let .failure(error): throw .invalidValue(pair.key.location, error.description)
                }
            }
            return result.sorted { $0.name < $1.name }
        } catch {
            throw .configuration("\(error); fix \(path) or remove the entry with `ringlet remotes remove NAME`")
        }
    }

    public func lookup(_ name: String) throws(RemoteError) -> Remote {
        guard let remote = try list().first(where: { $0.name == name }) else { throw .unknownRemote(name) }
        return remote
    }

    /// The token stored for `remote`.
    public func token(for remote: Remote) throws(RemoteError) -> String {
        let key = try RemoteStore.key(remote.name)
        let stored: String?
        do throws(CredentialError) {
            stored = try credentials.read(key)
        } catch {
            throw .credentials("cannot read the token of remote \(remote.name): \(error)")
        }
        guard let stored else { throw .missingToken(remote) }
        return stored
    }

    /// Adds `remote` with `token`, or replaces one of the same name when `replacing`. The token is
    /// stored first; if the file then cannot be written, the token stored before is put back.
    public func add(_ remote: Remote, token: String, replacing: Bool) throws(RemoteError) {
        if let problem = RemoteStore.problem(withToken: token) { throw .invalidToken(reason: problem) }
        try locked { () throws(RemoteError) in
            var remotes = try list()
            if let existing = remotes.first(where: { $0.name == remote.name }), !replacing { throw .remoteExists(existing) }
            remotes.removeAll { $0.name == remote.name }
            remotes.append(remote)
            let key = try RemoteStore.key(remote.name)
            let previous: String?
            do throws(CredentialError) {
                previous = try credentials.read(key)
                try credentials.write(token, for: key)
            } catch {
                throw .credentials("cannot store the token of remote \(remote.name): \(error)")
            }
            do throws(RemoteError) {
                try save(remotes)
            } catch {
                if let previous { try? credentials.write(previous, for: key) } else { _ = try? credentials.remove(key) }
                throw error
            }
        }
    }

    /// Removes the remote and its token; returns what was removed.
    @discardableResult
    public func remove(_ name: String) throws(RemoteError) -> Remote {
        try locked { () throws(RemoteError) -> Remote in
            var remotes = try list()
            guard let remote = remotes.first(where: { $0.name == name }) else { throw .unknownRemote(name) }
            remotes.removeAll { $0.name == name }
            let key = try RemoteStore.key(name)
            try save(remotes)
            do throws(CredentialError) {
                _ = try credentials.remove(key)
            } catch {
                throw .credentials("removed remote \(name), but not its token (\(error)); "
                    + "remove it with `ringlet keychain remove \(RemoteStore.tokenProvider) \(name)`")
            }
            return remote
        }
    }

    /// Why `token` cannot be a remote's token, or nil. It travels in an Authorization header and as
    /// part of a WebSocket subprotocol name, where only HTTP token characters are allowed; the reason
    /// never repeats the token.
    public static func problem(withToken token: String) -> String? {
        if token.isEmpty { return "the token is empty" }
        if token.utf8.count > 4096 { return "the token is longer than 4096 bytes" }
        let allowed = token.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._~".utf8.contains(byte)
        }
        return allowed ? nil : "a token may hold only letters, digits, '-', '.', '_' and '~' (as `ringlet daemon token` prints it); check what was pasted"
    }

    private static func key(_ name: String) throws(RemoteError) -> CredentialKey {
        do throws(CredentialError) {
            return try CredentialKey(provider: tokenProvider, profile: name)
        } catch {
            throw .invalidName(name, reason: error.description)
        }
    }

    private func save(_ remotes: [Remote]) throws(RemoteError) {
        var writer = YAMLWriter(header: ["Ringlet remotes; `ringlet remotes add|remove` change them. Tokens are in the credential store, not here."])
        if !remotes.isEmpty { writer.key("remotes") }
        for remote in remotes.sorted(by: { $0.name < $1.name }) {
            writer.key(remote.name, indent: 2)
            writer.scalar("url", remote.urlText, indent: 4)
        }
        do throws(SystemError) {
            try Directory.create(configDirectory, mode: 0o700)
            try AtomicFile.write(writer.text, to: path, mode: 0o600)
        } catch {
            throw .configuration("cannot write \(path): \(error)")
        }
    }

    private func locked<T>(_ body: () throws(RemoteError) -> T) throws(RemoteError) -> T {
        let lock: FileLock
        do throws(SystemError) {
            try Directory.create(configDirectory, mode: 0o700)
            lock = try FileLock(path + ".lock")
        } catch {
            throw .configuration("cannot lock \(path): \(error)")
        }
        defer { lock.unlock() }
        return try body()
    }
}
