import Foundation
import Glibc
import RingletCredentials
import RingletRemote
import RingletTestSupport
import Testing

/// remotes.yaml and the tokens beside it in the credential store (the file backend here).
@Suite struct RemoteStoreTests {
    let directory: TemporaryDirectory
    let store: RemoteStore
    let credentials: FileCredentialStore

    init() throws {
        directory = try TemporaryDirectory("ringlet-remotes")
        credentials = FileCredentialStore(configDirectory: directory.path + "/config")
        store = RemoteStore(configDirectory: directory.path + "/config", credentials: credentials)
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    @Test func roundTripKeepsTokensOutOfTheFile() throws {
        try store.add(try Remote(name: "lab", url: "http://10.0.0.5:8765/"), token: "token-lab-0123456789", replacing: false)
        try store.add(try Remote(name: "a1", url: "HTTPS://Devbox.Example:9443"), token: "token-a1-0123456789", replacing: false)

        let reread = RemoteStore(configDirectory: store.configDirectory, credentials: credentials)
        #expect(try reread.list().map(\.name) == ["a1", "lab"])
        #expect(try reread.list().map(\.urlText) == ["https://devbox.example:9443", "http://10.0.0.5:8765"])
        let lab = try reread.lookup("lab")
        #expect(try reread.token(for: lab) == "token-lab-0123456789")
        #expect(try credentials.list().map(\.description) == ["provider 'ringlet-remote', profile 'a1'", "provider 'ringlet-remote', profile 'lab'"])

        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text.contains("remotes:\n  a1:\n    url: \"https://devbox.example:9443\"\n  lab:\n    url: \"http://10.0.0.5:8765\"\n"), "\(text)")
        #expect(!text.contains("token-"))
        #expect(Self.mode(store.path) == 0o600)
    }

    @Test(arguments: ["Lab", "-lab", "la_b", "", "lab.x", String(repeating: "a", count: 65)])
    func badNamesAreRefusedAndNothingIsWritten(name: String) throws {
        #expect(throws: RemoteError.self) { _ = try Remote(name: name, url: "http://h:1") }
        #expect(Remote.problem(withName: name) != nil)
        #expect(!FileManager.default.fileExists(atPath: store.path))
    }

    @Test(arguments: ["ftp://h", "h:8765", "http://h/api", "http://h?x=1", "http://h#top", "http://user@h", "http://h:99999", "http://"])
    func badURLsAreRefused(url: String) throws {
        do {
            _ = try Remote(name: "lab", url: url)
            Issue.record("\(url) was accepted")
        } catch {
            guard case .invalidURL = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test(arguments: ["", "has space", "new\nline", "quote\"", "bearer,other"])
    func badTokensAreRefusedAndNothingIsWritten(token: String) throws {
        #expect(throws: RemoteError.self) { try store.add(try Remote(name: "lab", url: "http://h:1"), token: token, replacing: false) }
        #expect(!FileManager.default.fileExists(atPath: store.path))
        #expect(!FileManager.default.fileExists(atPath: credentials.path))
    }

    @Test func existingNamesNeedForce() throws {
        let first = try Remote(name: "lab", url: "http://h:1")
        try store.add(first, token: "first-token", replacing: false)
        #expect(throws: RemoteError.remoteExists(first)) {
            try store.add(try Remote(name: "lab", url: "http://other:2"), token: "second-token", replacing: false)
        }
        #expect(try store.token(for: first) == "first-token")
        try store.add(try Remote(name: "lab", url: "http://other:2"), token: "second-token", replacing: true)
        let replaced = try store.lookup("lab")
        #expect(replaced.urlText == "http://other:2")
        #expect(try store.token(for: replaced) == "second-token")
    }

    @Test func removeTakesTheTokenToo() throws {
        try store.add(try Remote(name: "lab", url: "http://h:1"), token: "lab-token", replacing: false)
        try store.add(try Remote(name: "ci", url: "http://h:2"), token: "ci-token", replacing: false)
        #expect(try store.remove("lab").name == "lab")
        #expect(try store.list().map(\.name) == ["ci"])
        #expect(try credentials.list().map(\.profile) == ["ci"])
        #expect(throws: RemoteError.unknownRemote("lab")) { try store.remove("lab") }
        #expect(throws: RemoteError.unknownRemote("lab")) { try store.lookup("lab") }
    }

    @Test func missingTokenSaysHowToStoreIt() throws {
        let remote = try Remote(name: "lab", url: "http://h:1")
        try store.add(remote, token: "lab-token", replacing: false)
        _ = try credentials.remove(try CredentialKey(provider: RemoteStore.tokenProvider, profile: "lab"))
        #expect(throws: RemoteError.missingToken(remote)) { try store.token(for: remote) }
    }

    @Test func brokenFilesAreReportedWithTheirLocation() throws {
        try FileManager.default.createDirectory(atPath: store.configDirectory, withIntermediateDirectories: true)
        try "remotes:\n  lab:\n    url: http://h:1\n  Bad:\n    url: http://h:2\n".write(toFile: store.path, atomically: true, encoding: .utf8)
        do {
            _ = try store.list()
            Issue.record("a bad name was accepted")
        } catch {
            #expect(error.description.contains("remotes.yaml:4:3"), "\(error)")
            #expect(error.description.contains("lower-case"), "\(error)")
        }
        try "remotes:\n  lab:\n    uri: http://h:1\n".write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect(throws: RemoteError.self) { try store.list() }
    }
}
