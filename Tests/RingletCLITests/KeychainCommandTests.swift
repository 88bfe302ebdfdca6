import Foundation
import Glibc
import RingletTestSupport
import Testing

/// `ringlet keychain list|remove` on the file backend and `ringlet config get|set`, with the built
/// binary: keys are listed masked and never in full, removed one at a time (also by many processes at
/// once), and an exposed or linked credentials file is refused with nothing changed.
@Suite struct KeychainCommandTests {
    static let secrets = [
        ("anthropic", "default", "sk-ant-api03-personal-0123456789-AAAA"),
        ("anthropic", "work", "sk-ant-api03-work-0123456789-BBBB"),
        ("openai", "default", "sk-proj-openai-0123456789-CCCC"),
    ]

    static func credentialsFile(_ workspace: RingletWorkspace) -> String {
        workspace.home + "/config/credentials.yaml"
    }

    /// Writes `credentials.yaml` in the documented shape, mode 0600, as `ringlet profiles create` would.
    @discardableResult
    static func writeCredentials(_ workspace: RingletWorkspace, _ entries: [(String, String, String)] = secrets) throws -> String {
        var text = "credentials:\n"
        for provider in Set(entries.map(\.0)).sorted() {
            text += "  \(provider):\n"
            for (_, profile, secret) in entries.filter({ $0.0 == provider }) { text += "    \(profile): \(secret)\n" }
        }
        let path = credentialsFile(workspace)
        try FileManager.default.createDirectory(atPath: workspace.home + "/config", withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        return path
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    static func expectNoSecret(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for (_, _, secret) in secrets {
            #expect(!(result.stdout + result.stderr).contains(secret.dropLast(4)), "a key shows: \(result)", sourceLocation: sourceLocation)
        }
    }

    @Test func configGetAndSetTheCredentialsBackend() throws {
        let workspace = try RingletWorkspace()
        let configFile = workspace.home + "/config/config.yaml"
        expect(try workspace.run("config", "get", "credentials.backend"), exit: Exit.ok, stdout: ["auto"])
        #expect(!workspace.exists(configFile), "reading a setting writes nothing")

        for value in ["file", "secret-service", "auto", "file"] {
            expect(try workspace.run("config", "set", "credentials.backend", value), exit: Exit.ok, stdout: ["credentials.backend = \(value)"])
            let get = try succeed(try workspace.run("config", "get", "credentials.backend"))
            #expect(get.stdout == value + "\n")
        }
        let saved = try String(contentsOfFile: configFile, encoding: .utf8)
        #expect(saved.contains("credentials:\n  backend: file\n"), "\(saved)")

        expect(try workspace.run("config", "set", "credentials.backend", "keyring"), exit: Exit.usage,
               stderr: ["'keyring' is not a value of credentials.backend; valid values: file, secret-service, auto", "usage: ringlet config set KEY VALUE"])
        expect(try workspace.run("config", "set", "credentials.backnd", "file"), exit: Exit.usage,
               stderr: ["unknown setting 'credentials.backnd' (did you mean 'credentials.backend'?); valid settings: credentials.backend"])
        expect(try workspace.run("config", "get", "editor"), exit: Exit.usage, stderr: ["unknown setting 'editor'; valid settings: credentials.backend"])
        expect(try workspace.run("config", "set", "credentials.backend"), exit: Exit.usage, stderr: ["missing argument VALUE"])
        #expect(try String(contentsOfFile: configFile, encoding: .utf8) == saved, "a refused set changes nothing")

        try saved.replacingOccurrences(of: "backend: file", with: "backend: vault").write(toFile: configFile, atomically: true, encoding: .utf8)
        expect(try workspace.run("config", "get", "credentials.backend"), exit: Exit.usage,
               stderr: ["config.yaml:", "credentials.backend must be one of file, secret-service, auto, not 'vault'"])
        expect(try workspace.run("keychain", "list"), exit: Exit.usage, stderr: ["credentials.backend must be one of"])

        let help = try succeed(try workspace.run("config", "--help"))
        #expect(help.stdout.contains("credentials.backend") && help.stdout.contains("secret-service"), "\(help)")
    }

    @Test func secretServiceWithoutASessionBusIsSetWithAWarningAndThenRefused() throws {
        let workspace = try RingletWorkspace()
        expect(try workspace.run("config", "set", "credentials.backend", "secret-service"), exit: Exit.ok,
               stderr: ["warning: the Secret Service is not available here: "], stdout: ["credentials.backend = secret-service"])
        try Self.writeCredentials(workspace)
        let list = try workspace.run("keychain", "list")
        expect(list, exit: Exit.failure, stderr: ["the Secret Service is not available: ", "ringlet config set credentials.backend file"])
        Self.expectNoSecret(list)
        expect(try workspace.run("keychain", "remove", "anthropic", "work"), exit: Exit.failure, stderr: ["the Secret Service is not available"])
        #expect(try String(contentsOfFile: Self.credentialsFile(workspace), encoding: .utf8).contains("work:"), "nothing was removed")
    }

    @Test func listShowsProviderProfileAndBackendWithTheKeyMasked() throws {
        let workspace = try RingletWorkspace()
        expect(try workspace.run("keychain", "list"), exit: Exit.ok,
               stdout: ["no keys stored (looked in \(Self.credentialsFile(workspace)))"])
        let empty = try succeed(try workspace.run("keychain", "list", "--json"))
        #expect(try empty.jsonArray().isEmpty)

        // No configuration and no session bus: auto is the file.
        try Self.writeCredentials(workspace)
        let json = try succeed(try workspace.run("keychain", "list", "--json"))
        let rows = try json.jsonArray()
        #expect(rows.map { "\($0["provider"] as? String ?? "?")/\($0["profile"] as? String ?? "?")" } == ["anthropic/default", "anthropic/work", "openai/default"])
        #expect(rows.allSatisfy { $0["backend"] as? String == "file" })
        #expect(rows.map { $0["masked"] as? String } == ["****…AAAA", "****…BBBB", "****…CCCC"])
        #expect(rows.allSatisfy { Set($0.keys) == ["provider", "profile", "backend", "masked"] }, "\(rows)")
        Self.expectNoSecret(json)

        try succeed(try workspace.run("config", "set", "credentials.backend", "file"))
        let table = try succeed(try workspace.run("keychain", "list"))
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines == [["PROVIDER", "PROFILE", "BACKEND", "KEY"], ["anthropic", "default", "file", "****…AAAA"],
                          ["anthropic", "work", "file", "****…BBBB"], ["openai", "default", "file", "****…CCCC"]], "\(table)")
        Self.expectNoSecret(table)
    }

    @Test func removeDeletesOneKeyAndFailsWhenThereIsNone() throws {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("config", "set", "credentials.backend", "file"))
        let path = try Self.writeCredentials(workspace)

        let removed = try workspace.run("keychain", "remove", "anthropic", "work")
        expect(removed, exit: Exit.ok, stdout: ["removed the key of provider 'anthropic', profile 'work' from \(path)"])
        Self.expectNoSecret(removed)
        #expect(Self.mode(path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("work:") && text.contains("sk-ant-api03-personal-0123456789-AAAA") && text.contains("sk-proj-openai-0123456789-CCCC"), "\(text)")

        let again = try workspace.run("keychain", "remove", "anthropic", "work")
        expect(again, exit: Exit.failure, stderr: [
            "no key stored for provider 'anthropic', profile 'work' (looked in \(path)); `ringlet keychain list` shows the stored keys",
        ])
        expect(try workspace.run("keychain", "remove", "mistral", "default"), exit: Exit.failure, stderr: ["no key stored for provider 'mistral'"])
        expect(try workspace.run("keychain", "remove", "Anthropic", "work"), exit: Exit.usage,
               stderr: ["provider id 'Anthropic' must start with a lower-case letter or digit", "usage: ringlet keychain remove PROVIDER PROFILE"])
        expect(try workspace.run("keychain", "remove", "anthropic", "../work"), exit: Exit.usage, stderr: ["profile name '../work'"])
        expect(try workspace.run("keychain", "remove", "anthropic"), exit: Exit.usage, stderr: ["missing argument PROFILE"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "failed removes change nothing")

        try succeed(try workspace.run("keychain", "remove", "anthropic", "default"))
        try succeed(try workspace.run("keychain", "remove", "openai", "default"))
        #expect(try succeed(try workspace.run("keychain", "list", "--json")).jsonArray().isEmpty)
    }

    @Test(arguments: [0o644, 0o640, 0o604] as [mode_t])
    func anExposedCredentialsFileIsRefusedAndLeftAsItWas(_ mode: mode_t) throws {
        let workspace = try RingletWorkspace()
        let path = try Self.writeCredentials(workspace)
        #expect(chmod(path, mode) == 0)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let octal = "0" + String(mode, radix: 8)
        for arguments in [["keychain", "list"], ["keychain", "list", "--json"], ["keychain", "remove", "anthropic", "work"]] {
            let result = try workspace.run(arguments)
            expect(result, exit: Exit.failure, stderr: ["\(path) is ", "(mode \(octal))", "chmod 600 \(path)"])
            Self.expectNoSecret(result)
        }
        if mode & 0o044 != 0 {
            expect(try workspace.run("keychain", "list"), exit: Exit.failure, stderr: ["is readable by others (mode \(octal))"])
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        #expect(Self.mode(path) == mode)

        #expect(chmod(path, 0o600) == 0)
        #expect(try succeed(try workspace.run("keychain", "list", "--json")).jsonArray().count == 3)
    }

    @Test func aSymlinkedCredentialsFileIsRefused() throws {
        let workspace = try RingletWorkspace()
        let real = try Self.writeCredentials(workspace)
        let target = workspace.path("elsewhere.yaml")
        #expect(rename(real, target) == 0)
        #expect(symlink(target, real) == 0)
        let before = try String(contentsOfFile: target, encoding: .utf8)
        for arguments in [["keychain", "list"], ["keychain", "remove", "anthropic", "work"]] {
            let result = try workspace.run(arguments)
            expect(result, exit: Exit.failure, stderr: ["\(real) is a symbolic link"])
            Self.expectNoSecret(result)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == before)
        #expect(FileManager.default.fileExists(atPath: real) && (try? FileManager.default.destinationOfSymbolicLink(atPath: real)) == target)
    }

    /// Many `ringlet keychain remove` processes released at once from a held lock: each rewrites the
    /// file, and without the lock some would write back keys another had just removed.
    @Test func concurrentRemovesFromManyProcessesLoseNothing() throws {
        let workspace = try RingletWorkspace()
        let count = 12
        let kept = ("anthropic", "kept", "sk-ant-api03-kept-0123456789-ZZZZ")
        let entries = (0 ..< count).map { ("provider\($0 % 3)", "profile\($0)", "sk-concurrent-\($0)-0123456789") } + [kept]
        let path = try Self.writeCredentials(workspace, entries)

        let lock = try HeldFileLock(path + ".lock")
        let removers = try (0 ..< count).map { index in
            try workspace.ringlet.start(["keychain", "remove", "provider\(index % 3)", "profile\(index)"], in: workspace.path(""))
        }
        usleep(300_000)
        lock.release()
        for (index, remover) in removers.enumerated() {
            expect(remover.finish(), exit: Exit.ok, stdout: ["removed the key of provider 'provider\(index % 3)', profile 'profile\(index)'"])
        }

        let rows = try succeed(try workspace.run("keychain", "list", "--json")).jsonArray()
        #expect(rows.map { "\($0["provider"] as? String ?? "?")/\($0["profile"] as? String ?? "?")" } == ["anthropic/kept"], "\(rows)")
        #expect(Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.home + "/config").sorted() == ["credentials.yaml", "credentials.yaml.lock"])
    }

    @Test func helpDescribesTheCommands() throws {
        let workspace = try RingletWorkspace()
        let keychain = try succeed(try workspace.run("keychain", "--help"))
        #expect(keychain.stdout.contains("list") && keychain.stdout.contains("remove"), "\(keychain)")
        let remove = try succeed(try workspace.run("keychain", "remove", "--help"))
        #expect(remove.stdout.contains("usage: ringlet keychain remove PROVIDER PROFILE"), "\(remove)")
        let list = try succeed(try workspace.run("keychain", "list", "--help"))
        #expect(list.stdout.contains("--json"), "\(list)")
    }
}
