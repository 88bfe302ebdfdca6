import RingletManifest

/// Checks pins against what the registries resolve to now.
///
/// Drift means: a pinned registry removed or its source changed; a reference that resolves to another
/// registry, id or version; a manifest whose bytes changed under the same version; a pinned git commit
/// no longer reachable in its source; a pinned git tag that moved. New commits or publishes that change
/// nothing the project uses are not drift.
public struct LockVerifier: Sendable {
    public let resolver: RegistryResolver

    public init(resolver: RegistryResolver) {
        self.resolver = resolver
    }

    public func verify(_ lock: Lockfile) -> [LockDifference] {
        lock.pins.flatMap { check($0) }
    }

    public func check(_ pin: Lockfile.Pin) -> [LockDifference] {
        func difference(_ problem: String) -> LockDifference {
            LockDifference(kind: pin.kind, reference: pin.reference, problem: problem)
        }
        let registries = resolver.registries
        guard let registry = registries.registries.first(where: { $0.name == pin.registry }) else {
            return [difference("it is pinned to registry '\(pin.registry)', which is no longer configured")]
        }
        guard registry.source.location == pin.source else {
            return [difference("registry '\(pin.registry)' now points at \(registry.source.location); the lock pins \(pin.source)")]
        }
        var differences: [LockDifference] = []
        if case .git(let url, let ref) = registry.source, let current = registry.fetchedRevision, current != pin.revision {
            let git = GitRegistryFetcher(registry: registry.name, url: url, ref: ref, cache: registries.cache)
            if !git.isReachable(pin.revision) {
                differences.append(difference("pinned commit \(pin.revision) of registry '\(pin.registry)' is gone from its source"))
            } else if let ref, git.isTag(ref) {
                differences.append(difference("tag '\(ref)' of registry '\(pin.registry)' moved from \(pin.revision) to \(current)"))
            }
        }
        let resolution: Resolution
        do throws(RegistryError) {
            resolution = try resolver.resolve(try ManifestReference(parsing: pin.reference), kind: pin.kind)
        } catch {
            return differences + [difference("it no longer resolves: \(error)")]
        }
        let now = resolution.manifest
        if resolution.registry.name != pin.registry || now.id != pin.id || now.version != pin.version {
            differences.append(difference("it now resolves to \(now.id) \(now.version) from '\(resolution.registry.name)'; the lock pins \(pin.id) \(pin.version) from '\(pin.registry)'"))
        } else if now.sha256 != pin.sha256 {
            differences.append(difference("\(pin.id) \(pin.version) from '\(pin.registry)' changed in place: sha256 \(now.sha256.hex), the lock pins \(pin.sha256.hex)"))
        }
        return differences
    }
}
