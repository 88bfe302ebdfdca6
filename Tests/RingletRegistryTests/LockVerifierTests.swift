import Foundation
import RingletManifest
import RingletRegistry
import RingletTestSupport
import Testing

/// `ringlet registry verify`: what changed between the lock and what the registries resolve to now.
@Suite struct LockVerifierTests {
    /// A world with registry `acme` holding agent `tool` 1.0.0, and a lock of `tool` and the built-in `anthropic`.
    private func locked() throws -> (RegistryWorld, RegistryFixture, Lockfile) {
        let world = try RegistryWorld()
        let acme = try world.folderRegistry("acme")
        try acme.agent("tool", "1.0.0")
        var pins: [Lockfile.Pin] = []
        for (kind, reference) in [(ManifestKind.agent, "tool"), (.provider, "anthropic")] {
            let resolution = try world.resolve(reference, kind: kind).resolution
            pins.append(Lockfile.Pin(kind: kind, reference: reference, resolution: resolution, revision: try #require(resolution.registry.revision)))
        }
        return (world, acme, Lockfile(pins: pins))
    }

    private func differences(_ world: RegistryWorld, _ lock: Lockfile) -> [String] {
        LockVerifier(resolver: world.resolver).verify(lock).map(\.description)
    }

    @Test func unchangedRegistriesHaveNoDrift() throws {
        let (world, acme, lock) = try locked()
        #expect(differences(world, lock).isEmpty)
        // Publishing something the project does not use is not drift.
        try acme.agent("unrelated", "1.0.0")
        try acme.agent("tool", "2.0.0-beta.1")
        #expect(differences(world, lock).isEmpty)
    }

    @Test func aNewerMatchingVersionIsDrift() throws {
        let (world, acme, lock) = try locked()
        try acme.agent("tool", "1.1.0")
        #expect(differences(world, lock) == [
            "agent 'tool': it now resolves to tool 1.1.0 from 'acme'; the lock pins tool 1.0.0 from 'acme'",
        ])
    }

    @Test func aHigherPriorityRegistryTakingOverIsDrift() throws {
        let (world, _, lock) = try locked()
        try world.folderRegistry("zeta", priority: 90).agent("tool", "1.0.0")
        #expect(differences(world, lock) == [
            "agent 'tool': it now resolves to tool 1.0.0 from 'zeta'; the lock pins tool 1.0.0 from 'acme'",
        ])
    }

    @Test func bytesChangedInPlaceAreDrift() throws {
        let (world, acme, lock) = try locked()
        let pinned = try #require(lock.pin(kind: .agent, reference: "tool")).sha256
        try acme.append("agents/tool/1.0.0.yaml", "# edited after the lock\n")
        let now = try world.resolve("tool").resolution.manifest.sha256
        #expect(now != pinned)
        #expect(differences(world, lock) == [
            "agent 'tool': tool 1.0.0 from 'acme' changed in place: sha256 \(now.hex), the lock pins \(pinned.hex)",
        ])
    }

    @Test func aRemovedRegistryIsDrift() throws {
        let (world, _, lock) = try locked()
        world.configuration.entries.removeAll { $0.name == "acme" }
        #expect(differences(world, lock) == ["agent 'tool': it is pinned to registry 'acme', which is no longer configured"])
    }

    @Test func aChangedSourceIsDrift() throws {
        let (world, acme, lock) = try locked()
        let moved = try RegistryFixture.copy(of: acme.path, to: world.path("moved/acme"))
        world.configuration.entries = [.init(name: "acme", source: .directory(path: moved.path), priority: 50)]
        #expect(differences(world, lock) == [
            "agent 'tool': registry 'acme' now points at \(moved.path); the lock pins \(acme.path)",
        ])
    }

    @Test func aManifestThatNoLongerResolvesIsDrift() throws {
        let (world, acme, lock) = try locked()
        try acme.remove("agents/tool")
        #expect(differences(world, lock) == [
            "agent 'tool': it no longer resolves: no agent 'tool' in any registry; `ringlet agents list` shows what there is",
        ])
    }

    @Test func everyDriftedPinIsReported() throws {
        let (world, acme, original) = try locked()
        try acme.agent("tool", "1.0.1")
        var lock = original
        let provider = try #require(lock.pins.firstIndex { $0.kind == .provider })
        lock.pins[provider].version = try .init(parsing: "0.9.0")
        let found = LockVerifier(resolver: world.resolver).verify(lock)
        #expect(found.map(\.reference) == ["tool", "anthropic"])
        #expect(found.map(\.kind) == [.agent, .provider])
        #expect(found[1].problem == "it now resolves to anthropic 1.0.0 from 'builtin'; the lock pins anthropic 0.9.0 from 'builtin'")
    }
}
