import RingletManifest
import RingletSemver
import RingletYAML

/// Resolves references (`claude@^2.1`, `acme/claude`) against registries in priority order.
///
/// The first registry holding a version that matches wins, and within it the highest such version.
/// A matching file that is broken is skipped with a warning in favour of the next best, so one bad
/// publish does not stop every user of the registry.
public struct RegistryResolver: Sendable {
    public let registries: RegistrySet

    public init(_ registries: RegistrySet) {
        self.registries = registries
    }

    public func resolve(_ reference: ManifestReference, kind: ManifestKind,
                        warn: (String) -> Void = { _ in }) throws(RegistryError) -> Resolution {
        let candidates: [OpenedRegistry]
        if let name = reference.registry {
            let registry = try registries.registry(named: name)
            guard registry.tree != nil else { throw registry.unavailable }
            candidates = [registry]
        } else {
            candidates = registries.registries
        }
        var available: [String] = []
        var broken: RegistryError?
        for registry in candidates {
            guard let tree = registry.tree else {
                warn("skipped: \(registry.unavailable)")
                continue
            }
            let versions = tree.versions(of: kind, id: reference.id).sorted { $0.version > $1.version }
            available += versions.map { "\($0.version) (\(registry.name))" }
            for candidate in versions where reference.range.contains(candidate.version) {
                do throws(RegistryError) {
                    return Resolution(registry: registry, manifest: try LoadedManifest.load(candidate.path, from: tree))
                } catch {
                    warn("skipping \(kind.rawValue) \(reference.id) \(candidate.version) from '\(registry.name)': \(error)")
                    broken = broken ?? error
                }
            }
        }
        if available.isEmpty {
            let known = Set(candidates.flatMap { $0.tree?.ids(of: kind) ?? [] })
            throw .notFound(kind: kind, reference: reference.description,
                            suggestion: KeySuggestion.closest(to: reference.id, among: known.sorted()))
        }
        // Versions matched but every one was broken: the first breakage is the news, not "no match".
        if let broken { throw broken }
        throw .noMatchingVersion(kind: kind, reference: reference.description, available: available)
    }
}
