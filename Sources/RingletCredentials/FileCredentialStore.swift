import Glibc
import RingletSystem
import RingletYAML

/// Keys in `<config>/credentials.yaml`, for machines without a desktop keyring: servers, containers, CI.
///
/// A plain file is only as private as its permissions, so the store checks them on every use rather
/// than trusting them: it refuses a file that anyone but its owner may read or write, a file that
/// belongs to someone else, and a symbolic link (which could point it at a file another user
/// controls) — for reading and for writing alike, so a key is never added to a file already exposed.
/// A write goes to a temporary file made 0600 before it is renamed into place, under a lock on
/// `credentials.yaml.lock`: a crash never leaves a half-written file, and two `ringlet` processes
/// storing keys at once both keep theirs.
///
/// The file, one key per provider and profile:
///
/// ```yaml
/// credentials:
///   anthropic:            # provider id
///     default: sk-ant-…   # profile name: the key
///     work: sk-ant-…
///   openai:
///     default: sk-…
/// ```
public struct FileCredentialStore: CredentialStore {
    public static let fileName = "credentials.yaml"
    /// The most the file may be; a few hundred keys fit many times over.
    static let sizeLimit = 1 << 20

    public let directory: String
    public let path: String

    public init(configDirectory: String) {
        directory = configDirectory
        path = configDirectory + "/" + FileCredentialStore.fileName
    }

    public var name: String { "file" }
    public var location: String { path }

    public func read(_ key: CredentialKey) throws(CredentialError) -> String? {
        try load()[key]
    }

    public func write(_ secret: String, for key: CredentialKey) throws(CredentialError) {
        if let problem = Secret.problem(with: secret) { throw .invalidSecret(problem) }
        try update { entries in
            entries[key] = secret
            return true
        }
    }

    public func remove(_ key: CredentialKey) throws(CredentialError) -> Bool {
        var removed = false
        try update { entries in
            removed = entries.removeValue(forKey: key) != nil
            return removed
        }
        return removed
    }

    public func list() throws(CredentialError) -> [CredentialKey] {
        try load().keys.sorted()
    }

    /// Loads, changes and saves the file under the lock; `change` returns false when there is nothing to save.
    private func update(_ change: (inout [CredentialKey: String]) -> Bool) throws(CredentialError) {
        let lock: FileLock
        do throws(SystemError) {
            try Directory.create(directory, mode: 0o700)
            lock = try FileLock(path + ".lock")
        } catch {
            throw .io(operation: "lock", path: path, reason: error.description)
        }
        defer { lock.unlock() }
        var entries = try load()
        guard change(&entries) else { return }
        var writer = YAMLWriter(header: [
            "Provider API keys for Ringlet, by provider and profile; written by ringlet.",
            "Keep it private: ringlet refuses this file unless it is yours and its mode is 0600.",
        ])
        writer.key("credentials")
        for provider in Set(entries.keys.map(\.provider)).sorted() {
            writer.key(provider, indent: 2)
            for key in entries.keys.filter({ $0.provider == provider }).sorted() {
                writer.scalar(key.profile, entries[key]!, indent: 4)
            }
        }
        do throws(SystemError) {
            try AtomicFile.write(writer.text, to: path, mode: 0o600)
        } catch {
            throw .io(operation: "write", path: path, reason: error.description)
        }
    }

    /// The file's keys, after checking that it is a regular file of this user's with mode 0600 or
    /// narrower; no file is no keys.
    private func load() throws(CredentialError) -> [CredentialKey: String] {
        // O_NOFOLLOW refuses a symlink at the open itself, and the checks below run on the descriptor
        // that is read, so nothing can be swapped in between; O_NONBLOCK keeps a FIFO from hanging the open.
        let descriptor: FileDescriptor
        do throws(SystemError) {
            descriptor = try FileDescriptor.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, operation: "read")
        } catch {
            switch error.errno {
            case ENOENT: return [:]
            case ELOOP: throw .symlink(path: path)
            default: throw .io(operation: "read", path: path, reason: SystemError.text(error.errno ?? EIO))
            }
        }
        defer { descriptor.close() }
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { throw .io(operation: "check", path: path, reason: SystemError.text(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile(path: path) }
        guard info.st_uid == geteuid() else { throw .foreignOwner(path: path, owner: info.st_uid, user: geteuid()) }
        let mode = info.st_mode & 0o7777
        guard mode & ~0o600 == 0 else { throw .exposedFile(path: path, mode: mode) }

        var bytes: [UInt8] = []
        while true {
            let chunk: [UInt8]
            do throws(SystemError) { chunk = try descriptor.read(upTo: 64 << 10) } catch {
                throw .io(operation: "read", path: path, reason: SystemError.text(error.errno ?? EIO))
            }
            if chunk.isEmpty { break }
            bytes += chunk
            guard bytes.count <= FileCredentialStore.sizeLimit else {
                throw .malformedFile(path: path, line: 1, column: 1, problem: "the file is over the \(FileCredentialStore.sizeLimit)-byte limit")
            }
        }
        return try parse(bytes)
    }

    /// The entries of the file's YAML. Errors name a place and a rule, never text from the file: the
    /// text at a malformed place may well be a key.
    private func parse(_ bytes: [UInt8]) throws(CredentialError) -> [CredentialKey: String] {
        let root: YAMLNode?
        do throws(YAMLError) {
            root = try YAMLParser.parse(bytes, file: path)
        } catch {
            let location = error.location ?? YAMLLocation(file: path, line: 1, column: 1)
            switch error {
            // libyaml's and the tree builder's syntax messages are fixed texts, not quotes from the file.
            case .syntax(_, let problem), .limitExceeded(_, let problem):
                throw malformed(location, problem)
            case .duplicateKey(_, _, let firstLine):
                throw malformed(location, "this key repeats the one on line \(firstLine)")
            default:
                throw malformed(location, "this is not YAML ringlet can read")
            }
        }
        guard let root else { return [:] }
        guard case .mapping(let top) = root.value else { throw malformed(root.location, "the file must be a mapping with the one key 'credentials'") }
        var entries: [CredentialKey: String] = [:]
        for pair in top {
            guard pair.key.keyText == "credentials" else {
                throw malformed(pair.key.location, "unknown key; the file holds only 'credentials'")
            }
            if case .scalar(let scalar) = pair.value.value, scalar.isNull { continue }
            guard case .mapping(let providers) = pair.value.value else {
                throw malformed(pair.value.location, "'credentials' must be a mapping of provider ids")
            }
            for provider in providers {
                guard CredentialKey.problem(with: provider.key.keyText ?? "", noun: "provider id") == nil else {
                    throw malformed(provider.key.location, "a provider id must be lower-case letters, digits, '-', '_' and single '.'")
                }
                if case .scalar(let scalar) = provider.value.value, scalar.isNull { continue }
                guard case .mapping(let profiles) = provider.value.value else {
                    throw malformed(provider.value.location, "a provider must map profile names to keys")
                }
                for profile in profiles {
                    let key: CredentialKey
                    do throws(CredentialError) {
                        key = try CredentialKey(provider: provider.key.keyText ?? "", profile: profile.key.keyText ?? "")
                    } catch {
                        throw malformed(profile.key.location, "a profile name must be lower-case letters, digits, '-', '_' and single '.'")
                    }
                    guard case .scalar(let secret) = profile.value.value, !secret.isNull else {
                        throw malformed(profile.value.location, "a profile's key must be a string")
                    }
                    entries[key] = secret.text
                }
            }
        }
        return entries
    }

    private func malformed(_ location: YAMLLocation, _ problem: String) -> CredentialError {
        .malformedFile(path: path, line: location.line, column: location.column, problem: problem)
    }
}
