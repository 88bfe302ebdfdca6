import Foundation
import Glibc
import RingletCredentials
import RingletSystem
import RingletTestSupport
import Synchronization
import Testing

/// `credentials.yaml`: keys round-trip per provider and profile, the file is 0600 after every write,
/// and a file that is exposed, someone else's or a symlink is refused for reading and writing alike,
/// with nothing changed and no secret in the message.
@Suite struct FileCredentialStoreTests {
    static func key(_ provider: String, _ profile: String) throws -> CredentialKey {
        try CredentialKey(provider: provider, profile: profile)
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    static func bytes(_ path: String) -> [UInt8]? {
        try? FileBytes.read(path)
    }

    /// Every way a store can be used, each expected to fail with `error`.
    static func expectRefused(_ store: FileCredentialStore, with error: CredentialError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let key = try key("anthropic", "default")
        #expect(throws: error, sourceLocation: sourceLocation) { _ = try store.read(key) }
        #expect(throws: error, sourceLocation: sourceLocation) { try store.write("sk-new-secret-value-0000", for: try Self.key("openai", "default")) }
        #expect(throws: error, sourceLocation: sourceLocation) { _ = try store.remove(key) }
        #expect(throws: error, sourceLocation: sourceLocation) { _ = try store.list() }
    }

    @Test func keysRoundTripPerProviderAndProfileAndTheFileStaysPrivate() throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.file("config"))
        #expect(store.name == "file")
        #expect(store.path == folder.file("config/credentials.yaml"))
        #expect(try store.read(Self.key("anthropic", "default")) == nil, "no file is no keys")
        #expect(try store.list().isEmpty)

        let secrets = [
            try Self.key("anthropic", "default"): "sk-ant-api03-personal-AAAA",
            try Self.key("anthropic", "work"): "sk-ant-api03-work-BBBB",
            try Self.key("openai", "default"): "sk-proj-openai-CCCC",
            try Self.key("openai", "work.eu"): "sk-proj-openai-eu-DDDD",
        ]
        for (key, secret) in secrets.sorted(by: { $0.key < $1.key }) {
            try store.write(secret, for: key)
            #expect(Self.mode(store.path) == 0o600, "after writing \(key)")
        }
        for (key, secret) in secrets { #expect(try store.read(key) == secret) }
        #expect(try store.list() == secrets.keys.sorted())
        #expect(try store.list().map(\.description).first == "provider 'anthropic', profile 'default'")

        try store.write("sk-ant-api03-rotated-EEEE", for: Self.key("anthropic", "work"))
        #expect(Self.mode(store.path) == 0o600)
        #expect(try store.read(Self.key("anthropic", "work")) == "sk-ant-api03-rotated-EEEE")
        #expect(try store.read(Self.key("anthropic", "default")) == "sk-ant-api03-personal-AAAA", "other keys stay")
        #expect(try store.list().count == 4)

        // The documented shape, sorted, and nothing left over from the atomic writes.
        let text = try FileBytes.readString(store.path)
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(body == [
            "credentials:", "  anthropic:", "    default: sk-ant-api03-personal-AAAA", "    work: sk-ant-api03-rotated-EEEE",
            "  openai:", "    default: sk-proj-openai-CCCC", "    work.eu: sk-proj-openai-eu-DDDD",
        ], "\(text)")
        #expect(try Directory.contents(folder.file("config")).sorted() == ["credentials.yaml", "credentials.yaml.lock"])
        #expect(Self.mode(folder.file("config")) == 0o700, "a config folder ringlet creates for keys is private too")
    }

    @Test(arguments: [
        "12345", "yes", "null", "~", "true", "0x1F", "a \"quoted\" \\ key", "ключ-🔑-value", " leading and trailing ",
        "#not-a-comment", "key: with colon", "- dash", "*alias", "&anchor", "!tag", "%directive", "{flow}", "[list]", "'single'",
    ])
    func keysThatYAMLCouldMisreadRoundTrip(_ secret: String) throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        try store.write(secret, for: Self.key("p", "n"))
        #expect(try store.read(Self.key("p", "n")) == secret)
        #expect(try FileCredentialStore(configDirectory: folder.path).read(Self.key("p", "n")) == secret)
    }

    @Test func removeDeletesOnlyThatKeyAndSaysWhetherThereWasOne() throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        #expect(try store.remove(Self.key("anthropic", "default")) == false)
        #expect(FileStatus.of(store.path) == .missing, "removing from no file creates none")

        try store.write("sk-one-1111111111", for: Self.key("anthropic", "default"))
        try store.write("sk-two-2222222222", for: Self.key("anthropic", "work"))
        try store.write("sk-three-333333333", for: Self.key("openai", "default"))
        #expect(try store.remove(Self.key("anthropic", "default")) == true)
        #expect(Self.mode(store.path) == 0o600)
        #expect(try store.remove(Self.key("anthropic", "default")) == false)
        #expect(try store.read(Self.key("anthropic", "default")) == nil)
        #expect(try store.list() == [try Self.key("anthropic", "work"), try Self.key("openai", "default")])

        #expect(try store.remove(Self.key("anthropic", "work")) == true)
        #expect(!(try FileBytes.readString(store.path)).contains("anthropic"), "a provider without keys is dropped")
        #expect(try store.remove(Self.key("openai", "default")) == true)
        #expect(try store.list().isEmpty)
        #expect(try FileCredentialStore(configDirectory: folder.path).list().isEmpty)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o700, 0o4600] as [mode_t])
    func aFileWiderThan0600IsRefusedAndLeftAsItWas(_ mode: mode_t) throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        let secret = "sk-ant-api03-exposed-9f8e7d6c5b4a"
        try store.write(secret, for: Self.key("anthropic", "default"))
        #expect(chmod(store.path, mode) == 0)
        let before = Self.bytes(store.path)

        try Self.expectRefused(store, with: .exposedFile(path: store.path, mode: UInt32(mode)))
        #expect(Self.bytes(store.path) == before)
        #expect(Self.mode(store.path) == mode)

        let message = CredentialError.exposedFile(path: store.path, mode: UInt32(mode)).description
        #expect(message.contains(store.path))
        #expect(message.contains("(mode 0\(String(mode, radix: 8)))"))
        #expect(message.contains("chmod 600 \(store.path)"))
        if mode & 0o044 != 0 { #expect(message.contains("is readable by others"), "\(message)") }
        #expect(!message.contains(secret))

        #expect(chmod(store.path, 0o600) == 0)
        #expect(try store.read(Self.key("anthropic", "default")) == secret, "after chmod 600 the file is used again")
        #expect(chmod(store.path, 0o400) == 0)
        #expect(try store.read(Self.key("anthropic", "default")) == secret, "narrower than 0600 is fine")
    }

    @Test func aSymlinkIsRefusedAndNeitherItNorItsTargetChanges() throws {
        let folder = try TemporaryDirectory()
        let elsewhere = FileCredentialStore(configDirectory: folder.file("elsewhere"))
        try elsewhere.write("sk-target-secret-123456", for: Self.key("anthropic", "default"))
        let target = elsewhere.path
        let before = Self.bytes(target)

        try Directory.create(folder.file("config"))
        let store = FileCredentialStore(configDirectory: folder.file("config"))
        #expect(symlink(target, store.path) == 0)
        try Self.expectRefused(store, with: .symlink(path: store.path))
        #expect(FileStatus.of(store.path) == .symlink)
        #expect(Self.bytes(target) == before)

        let dangling = FileCredentialStore(configDirectory: folder.file("dangling"))
        try Directory.create(folder.file("dangling"))
        #expect(symlink(folder.file("nowhere/credentials.yaml"), dangling.path) == 0)
        try Self.expectRefused(dangling, with: .symlink(path: dangling.path))
        #expect(FileStatus.of(folder.file("nowhere")) == .missing, "a write never follows the link to create its target")
        #expect(CredentialError.symlink(path: store.path).description.contains("is a symbolic link"))
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give the file to another user"))
    func aFileOfAnotherUserIsRefused() throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        try store.write("sk-someone-elses-key-000", for: Self.key("anthropic", "default"))
        #expect(chown(store.path, 65534, 65534) == 0)
        let before = Self.bytes(store.path)
        try Self.expectRefused(store, with: .foreignOwner(path: store.path, owner: 65534, user: geteuid()))
        #expect(Self.bytes(store.path) == before)
        #expect(CredentialError.foreignOwner(path: store.path, owner: 65534, user: 0).description.contains("belongs to user id 65534"))
    }

    @Test func aFolderOrPipeInPlaceOfTheFileIsRefused() throws {
        let folder = try TemporaryDirectory()
        let pipe = FileCredentialStore(configDirectory: folder.file("pipe"))
        try Directory.create(pipe.directory)
        #expect(mkfifo(pipe.path, 0o600) == 0)
        try Self.expectRefused(pipe, with: .notAFile(path: pipe.path))
        let directory = FileCredentialStore(configDirectory: folder.file("folder"))
        try Directory.create(directory.path, mode: 0o700)
        try Self.expectRefused(directory, with: .notAFile(path: directory.path))
    }

    struct Lost: Error {
        var what: String
    }

    @Test func concurrentWritersInManyThreadsLoseNothing() throws {
        let folder = try TemporaryDirectory()
        let threads = 12, keysEach = 6
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            // A store of its own per thread: a lock of its own, as a separate process would have.
            let store = FileCredentialStore(configDirectory: folder.path)
            do {
                for index in 0 ..< keysEach {
                    try store.write("sk-thread\(thread)-key\(index)-secret", for: Self.key("provider\(thread)", "profile\(index)"))
                    try store.write("sk-scratch-\(thread)-\(index)-xxxx", for: Self.key("scratch", "t\(thread)"))
                    guard try store.remove(Self.key("scratch", "t\(thread)")) else { throw Lost(what: "scratch key t\(thread)") }
                    guard Self.mode(store.path) == 0o600 else { throw Lost(what: "mode 0600 after a write") }
                }
            } catch {
                failures.withLock { $0.append("thread \(thread): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let store = FileCredentialStore(configDirectory: folder.path)
        let listed = try store.list()
        #expect(listed.count == threads * keysEach, "\(listed)")
        for thread in 0 ..< threads {
            for index in 0 ..< keysEach {
                #expect(try store.read(Self.key("provider\(thread)", "profile\(index)")) == "sk-thread\(thread)-key\(index)-secret")
            }
        }
        #expect(try Directory.contents(folder.path).sorted() == ["credentials.yaml", "credentials.yaml.lock"], "no temporary file left")
    }

    /// Another process that holds `credentials.yaml.lock` (here flock(1), as another `ringlet` would)
    /// and adds a key meanwhile: a write waits for it and keeps its key.
    @Test func aWriterInAnotherProcessIsWaitedForAndItsKeyKept() throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        try store.write("sk-before-0000000000", for: Self.key("first", "default"))
        let replacement = """
        credentials:
          first:
            default: sk-before-0000000000
          other:
            default: sk-from-another-process-1111
        """
        let staged = try folder.write("staged.yaml", replacement + "\n")
        let script = "echo locked >&2; sleep 0.5; umask 077; cat '\(staged)' > '\(store.path).new' && mv '\(store.path).new' '\(store.path)'"
        let other = try RunningProcess(try ProcessRunner.which("flock"), [store.path + ".lock", "sh", "-c", script],
                                       in: folder.path, environment: ["PATH": "/usr/bin:/bin"])
        try #require(other.waitForStderr(containing: "locked"))

        try store.write("sk-written-meanwhile-2222", for: Self.key("mine", "default"))
        let finished = other.finish()
        try #require(finished.status == 0, "\(finished)")

        #expect(try store.read(Self.key("other", "default")) == "sk-from-another-process-1111")
        #expect(try store.read(Self.key("mine", "default")) == "sk-written-meanwhile-2222")
        #expect(try store.read(Self.key("first", "default")) == "sk-before-0000000000")
        #expect(Self.mode(store.path) == 0o600)
    }

    static let leaked = "sk-LEAK-1234567890abcdef"

    /// Hand-edited files that went wrong with a key in them: the error points at the place, and never
    /// quotes what is there.
    @Test(arguments: [
        "credentials:\n  anthropic: \(leaked)\n",
        "credentials: \(leaked)\n",
        "\(leaked): x\n",
        "credentials:\n  anthropic:\n    default: [\(leaked)]\n",
        "credentials:\n  anthropic:\n    default:\n      nested: \(leaked)\n",
        "credentials:\n  Anthropic:\n    default: \(leaked)\n",
        "credentials:\n  anthropic:\n    \(leaked.uppercased()): x\n",
        "credentials:\n  anthropic:\n    default: \"\(leaked)\n",
        "credentials:\n  anthropic:\n    default: x\n    default: \(leaked)\n",
        "credentials:\n  anthropic:\n    default: \(leaked)\n   bad: indentation\n",
        "- \(leaked)\n",
        "credentials:\n  anthropic:\n    default: !!binary \(leaked)\n",
    ])
    func aMalformedFileIsReportedByPlaceNeverByContent(_ content: String) throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        try AtomicFile.write(content, to: store.path, mode: 0o600)
        let before = Self.bytes(store.path)
        do throws(CredentialError) {
            _ = try store.list()
            Issue.record("a malformed file was accepted")
        } catch {
            guard case .malformedFile(let path, let line, _, _) = error else {
                Issue.record("expected malformedFile, got \(error)")
                return
            }
            #expect(path == store.path)
            #expect(line >= 1)
            #expect(error.description.hasPrefix("\(store.path):\(line):"), "\(error)")
            #expect(!error.description.lowercased().contains("1234567890abcdef"), "\(error)")
        }
        #expect(throws: CredentialError.self) { try store.write("sk-new-1111111111", for: try Self.key("p", "n")) }
        #expect(Self.bytes(store.path) == before, "a write never replaces a file it cannot read")
    }

    @Test(arguments: ["", "sk-line\nbreak-secret-abcdef", "sk-tab\tsecret-abcdef", "sk-nul\u{0}secret-abcdef", "sk-cr\rsecret-abcdef",
                      "sk-ls\u{2028}secret-abcdef", String(repeating: "k", count: Secret.maximumLength + 1)])
    func aKeyThatCannotBeStoredIsRefusedWithoutRepeatingIt(_ secret: String) throws {
        let folder = try TemporaryDirectory()
        let store = FileCredentialStore(configDirectory: folder.path)
        let key = try Self.key("anthropic", "default")
        do throws(CredentialError) {
            try store.write(secret, for: key)
            Issue.record("the key was stored")
        } catch {
            guard case .invalidSecret = error else {
                Issue.record("expected invalidSecret, got \(error)")
                return
            }
            #expect(error.description.hasPrefix("cannot store the key: "))
            #expect(!error.description.contains("secret-abcdef"))
            #expect(!error.description.contains("kkkkkkkk"))
        }
        #expect(FileStatus.of(store.path) == .missing)
    }
}
