import RingletManifest
import RingletRegistry
import RingletTestSupport
import Testing

/// Resolving references against folder registries configured like a user would, plus the built-in one.
@Suite struct RegistryResolverTests {
    @Test func higherPriorityIsSearchedFirst() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("low", priority: 10).agent("tool", "1.0.0")
        try world.folderRegistry("high", priority: 90).agent("tool", "1.0.0")
        #expect(world.set.registries.map(\.name) == ["high", "low", "builtin"])
        #expect(try world.resolve("tool").resolution.summary == "tool 1.0.0 (high)")
    }

    @Test func equalPrioritiesGoByName() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("beta").agent("tool", "1.0.0")
        try world.folderRegistry("alpha").agent("tool", "1.0.0")
        try world.folderRegistry("gamma", priority: RegistryConfiguration.defaultPriority).agent("tool", "1.0.0")
        #expect(world.set.registries.map(\.name) == ["alpha", "beta", "gamma", "builtin"])
        #expect(try world.resolve("tool").resolution.summary == "tool 1.0.0 (alpha)")
    }

    /// The first registry with any matching version wins, even when a later one has a higher version.
    @Test func firstRegistryWithAMatchWinsOverAHigherVersionElsewhere() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("high", priority: 90).agent("tool", "1.0.0")
        try world.folderRegistry("low", priority: 10).agent("tool", "2.0.0")
        #expect(try world.resolve("tool").resolution.summary == "tool 1.0.0 (high)")
        #expect(try world.resolve("tool@^2").resolution.summary == "tool 2.0.0 (low)")
    }

    @Test func qualifiedReferenceSearchesOnlyThatRegistry() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("acme", priority: 1).agent("tool", "1.0.0")
        try world.folderRegistry("other", priority: 99).agent("tool", "3.0.0")
        #expect(try world.resolve("acme/tool").resolution.summary == "tool 1.0.0 (acme)")
        #expect(try world.resolve("acme/tool@1").resolution.summary == "tool 1.0.0 (acme)")
        #expect(world.failure("acme/tool@^3").message == "no version of agent 'acme/tool@^3' matches; available: 1.0.0 (acme)")
    }

    @Test(arguments: [
        ("tool", "2.0.0"), ("tool@^1", "1.10.0"), ("tool@~1.2", "1.2.0"), ("tool@1.0.0", "1.0.0"),
        ("tool@<1.10.0", "1.2.0"), ("tool@1.x || 2.x", "2.0.0"),
    ])
    func highestMatchingVersionWins(reference: String, version: String) throws {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        for published in ["1.0.0", "1.2.0", "1.10.0", "2.0.0"] { try acme.agent("tool", published) }
        let resolution = try world.resolve(reference).resolution
        #expect(resolution.summary == "tool \(version) (acme)")
        #expect(resolution.manifest.path == "agents/tool/\(version).yaml")
    }

    @Test func prereleaseIsMatchedOnlyWhenAskedFor() throws {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        try acme.agent("tool", "1.0.0")
        try acme.agent("tool", "2.0.0-beta.1")
        #expect(try world.resolve("tool").resolution.summary == "tool 1.0.0 (acme)")
        #expect(try world.resolve("tool@^1").resolution.summary == "tool 1.0.0 (acme)")
        #expect(try world.resolve("tool@2.0.0-beta.1").resolution.summary == "tool 2.0.0-beta.1 (acme)")
        #expect(try world.resolve("tool@>=2.0.0-beta.0").resolution.summary == "tool 2.0.0-beta.1 (acme)")
    }

    @Test func brokenBestVersionIsSkippedWithAWarning() throws {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        try acme.agent("tool", "1.0.0")
        try acme.agent("tool", "1.1.0", extra: "network: api.example.com")
        let (resolution, warnings) = try world.resolve("tool")
        #expect(resolution.summary == "tool 1.0.0 (acme)")
        #expect(warnings == ["skipping agent tool 1.1.0 from 'acme': \(acme.path)/agents/tool/1.1.0.yaml:7:10: 'network' must be a list, found 'api.example.com'"])
    }

    @Test func misfiledBestVersionIsSkippedInFavourOfTheNextRegistry() throws {
        let world = try RegistryWorld()
        let high = try world.folderRegistry("high", priority: 90)
        try high.write("agents/tool/1.0.0.yaml", ManifestText.agent("tool", "1.0.1"))
        try world.folderRegistry("low", priority: 10).agent("tool", "1.0.0")
        let (resolution, warnings) = try world.resolve("tool")
        #expect(resolution.summary == "tool 1.0.0 (low)")
        #expect(warnings == ["skipping agent tool 1.0.0 from 'high': \(high.path)/agents/tool/1.0.0.yaml:4:10: version '1.0.1' does not match its file name (expected agents/tool/1.0.1.yaml)"])
    }

    /// When every matching version is broken, the warnings say why; the final error must not claim that
    /// nothing matches, since `1.0.0` does.
    @Test func onlyMatchingVersionBrokenIsNotReportedAsNoMatch() throws {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        try acme.agent("tool", "1.0.0", extra: "network: api.example.com")
        let (message, warnings) = world.failure("tool")
        #expect(warnings == ["skipping agent tool 1.0.0 from 'acme': \(acme.path)/agents/tool/1.0.0.yaml:7:10: 'network' must be a list, found 'api.example.com'"])
        #expect(message == "\(acme.path)/agents/tool/1.0.0.yaml:7:10: 'network' must be a list, found 'api.example.com'")
    }

    @Test func unknownIDIsNotFoundWithADidYouMean() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("acme").agent("toolbox", "1.0.0")
        #expect(world.failure("toolbx").message == "no agent 'toolbx' in any registry (did you mean 'toolbox'?); `ringlet agents list` shows what there is")
        #expect(world.failure("claud@^2").message == "no agent 'claud@^2' in any registry (did you mean 'claude'?); `ringlet agents list` shows what there is")
        #expect(world.failure("zzzzzz").message == "no agent 'zzzzzz' in any registry; `ringlet agents list` shows what there is")
        #expect(world.failure("toolbox", kind: .provider).message?.hasPrefix("no provider 'toolbox' in any registry") == true,
                "an agent id does not satisfy a provider reference")
    }

    @Test func noMatchingVersionListsWhatIsAvailable() throws {
        let world = try RegistryWorld()
        let high = try world.folderRegistry("high", priority: 90)
        try high.agent("tool", "1.0.0")
        try high.agent("tool", "2.0.0")
        try world.folderRegistry("low", priority: 10).agent("tool", "1.5.0")
        #expect(world.failure("tool@^3").message == "no version of agent 'tool@^3' matches; available: 2.0.0 (high), 1.0.0 (high), 1.5.0 (low)")
    }

    @Test func unknownRegistryNameListsTheConfiguredOnes() throws {
        let world = try RegistryWorld()
        try world.folderRegistry("acme").agent("tool", "1.0.0")
        #expect(world.failure("nope/tool").message == "no registry named 'nope' (configured: acme, builtin); see `ringlet registry list`")
    }

    @Test func builtinRegistryIsAlwaysSearchedAtItsPriority() throws {
        let world = try RegistryWorld()
        let claude = try world.resolve("claude@^2").resolution
        #expect(claude.registry.name == "builtin")
        #expect(claude.manifest.path == "agents/claude/2.1.0.yaml")
        #expect(try world.resolve("builtin/anthropic", kind: .provider).resolution.summary == "anthropic 1.0.0 (builtin)")

        try world.folderRegistry("acme").agent("claude", "2.5.0")
        #expect(try world.resolve("claude").resolution.summary == "claude 2.5.0 (acme)")
        world.configuration.builtinPriority = 100
        #expect(try world.resolve("claude").resolution.summary == "claude 2.1.0 (builtin)")
        #expect(try world.resolve("claude@2.5.0").resolution.summary == "claude 2.5.0 (acme)")
    }

    @Test func missingFolderRegistryIsSkippedWithAWarning() throws {
        let world = try RegistryWorld()
        let gone = world.path("registries/gone")
        world.configuration.entries.append(.init(name: "gone", source: .directory(path: gone), priority: 90))
        try world.folderRegistry("acme").agent("tool", "1.0.0")
        let (resolution, warnings) = try world.resolve("tool")
        #expect(resolution.summary == "tool 1.0.0 (acme)")
        #expect(warnings == ["skipped: registry 'gone': its folder \(gone) is missing; restore it or `ringlet registry remove gone`"])
        #expect(world.failure("gone/tool").message == "registry 'gone': its folder \(gone) is missing; restore it or `ringlet registry remove gone`")
    }

    @Test func unfetchedRemoteRegistryIsSkippedWithAWarning() throws {
        let world = try RegistryWorld()
        world.configuration.entries.append(.init(name: "remote", source: .git(url: "https://example.com/r.git", ref: nil), priority: 90))
        world.configuration.entries.append(.init(name: "web", source: .http(url: "https://example.com/r/"), priority: 80))
        try world.folderRegistry("acme").agent("tool", "1.0.0")
        let (resolution, warnings) = try world.resolve("tool")
        #expect(resolution.summary == "tool 1.0.0 (acme)")
        #expect(warnings == [
            "skipped: registry 'remote' has not been fetched yet; run `ringlet registry update remote`",
            "skipped: registry 'web' has not been fetched yet; run `ringlet registry update web`",
        ])
        #expect(world.failure("remote/tool").message == "registry 'remote' has not been fetched yet; run `ringlet registry update remote`")
    }

    @Test func kindsAreResolvedFromTheirOwnFolders() throws {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        try acme.agent("same", "1.0.0")
        try acme.provider("same", "2.0.0")
        #expect(try world.resolve("same", kind: .agent).resolution.manifest.kind == .agent)
        let provider = try world.resolve("same", kind: .provider).resolution
        #expect(provider.manifest.kind == .provider && provider.manifest.version.description == "2.0.0")
    }
}
