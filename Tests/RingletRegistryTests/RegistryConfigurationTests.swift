import Foundation
import RingletRegistry
import Testing

/// `registries.yaml`: the registries a user added, written atomically and read back exactly.
@Suite struct RegistryConfigurationTests {
    static let everyKind = RegistryConfiguration(entries: [
        .init(name: "team", source: .git(url: "git@github.com:acme/registry.git", ref: "v1.2"), priority: 100),
        .init(name: "upstream", source: .git(url: "https://example.com/registry.git", ref: nil), priority: 50),
        .init(name: "mirror", source: .http(url: "https://registry.example.com/ringlet/"), priority: 10),
        .init(name: "local", source: .directory(path: "/srv/my registries/local: #1"), priority: -5),
        .init(name: "tie", source: .directory(path: "/srv/no"), priority: 10),
    ], builtinPriority: 75)

    @Test(arguments: [everyKind, RegistryConfiguration(), RegistryConfiguration(builtinPriority: -3),
                      RegistryConfiguration(entries: [.init(name: "on", source: .git(url: "yes", ref: "1.10"), priority: 0)])])
    func saveThenLoadRoundTrips(configuration: RegistryConfiguration) throws {
        let world = try RegistryWorld()
        let file = world.path("config/nested/registries.yaml")
        try configuration.save(to: file)
        #expect(try RegistryConfiguration.load(from: file) == configuration)
    }

    @Test func defaultBuiltinPriorityIsNotWritten() throws {
        let world = try RegistryWorld()
        let file = world.path("registries.yaml")
        try RegistryConfiguration(entries: Self.everyKind.entries).save(to: file)
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("builtin_priority"))
        try Self.everyKind.save(to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("builtin_priority: 75\n"))
    }

    @Test func missingOrEmptyFileIsAnEmptyConfiguration() throws {
        let world = try RegistryWorld()
        #expect(try RegistryConfiguration.load(from: world.path("absent.yaml")) == RegistryConfiguration())
        try world.write("empty.yaml", "# no registries yet\n")
        #expect(try RegistryConfiguration.load(from: world.path("empty.yaml")) == RegistryConfiguration())
    }

    @Test func handWrittenFileTakesDefaults() throws {
        let configuration = try RegistryConfiguration.load(from: RegistryFixtures.path("configurations/hand-written.yaml"))
        #expect(configuration.builtinPriority == -1)
        #expect(configuration.entries == [
            .init(name: "team", source: .git(url: "git@github.com:acme/registry.git", ref: "v2"), priority: RegistryConfiguration.defaultPriority),
            .init(name: "mirror", source: .http(url: "https://registry.example.com/ringlet/"), priority: 70),
            .init(name: "local", source: .directory(path: "/srv/registry"), priority: 50),
        ])
    }

    /// The file is replaced by a rename: after saves (and a failed one) only `registries.yaml` is in the folder.
    @Test func saveIsAtomicAndLeavesNoTemporaryFiles() throws {
        let world = try RegistryWorld()
        let folder = world.path("config")
        let file = folder + "/registries.yaml"
        try Self.everyKind.save(to: file)
        try RegistryConfiguration(builtinPriority: 1).save(to: file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["registries.yaml"])
        #expect(try RegistryConfiguration.load(from: file) == RegistryConfiguration(builtinPriority: 1))

        // A save that cannot replace its target (a folder is in the way) reports it and cleans up.
        let blocked = world.path("blocked")
        try FileManager.default.createDirectory(atPath: blocked + "/registries.yaml/inner", withIntermediateDirectories: true)
        #expect(throws: RegistryError.self) { try Self.everyKind.save(to: blocked + "/registries.yaml") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocked) == ["registries.yaml"])
    }

    @Test(arguments: [
        ("unknown-type.yaml", "3:11: unknown registry type 'svn' (expected dir, git or http)"),
        ("builtin-type.yaml", "3:11: unknown registry type 'builtin' (expected dir, git or http)"),
        ("duplicate-name.yaml", "5:11: registry 'acme' is listed twice"),
        ("builtin-name.yaml", "2:11: 'builtin' is the built-in registry's name"),
        ("bad-name.yaml", "2:11: registry name '../acme' must start with a lower-case letter or digit"),
        ("unknown-key.yaml", "5:5: unknown key 'priorty' (did you mean 'priority'?)"),
        ("missing-source.yaml", "2:5: missing required key 'source'"),
        ("priority-not-a-number.yaml", "6:15: 'priority' must be an integer, found 'high'"),
        ("registries-not-a-list.yaml", "2:3: 'registries' must be a list, found a mapping"),
        ("unknown-top-level-key.yaml", "1:1: unknown key 'builtin-priority' (did you mean 'builtin_priority'?)"),
    ])
    func invalidFileIsRefusedWithItsLocation(fixture: String, message: String) {
        let path = RegistryFixtures.path("configurations/" + fixture)
        let error = #expect(throws: RegistryError.self) { try RegistryConfiguration.load(from: path) }
        #expect(error?.description == "\(path):\(message)")
    }

    @Test(arguments: [
        ("acme", nil), ("team-2", nil),
        ("builtin", "'builtin' is the built-in registry's name"),
        ("Acme", "registry name 'Acme' must start with a lower-case letter or digit"),
        ("a/b", "registry name 'a/b' may hold only lower-case letters, digits, '-', '_' and single '.'"),
    ] as [(String, String?)])
    func registryNamesAreValidated(name: String, problem: String?) {
        #expect(RegistryConfiguration.validate(name: name) == problem)
    }
}
