import RingletManifest
import RingletSemver
import RingletYAML

/// What can go wrong finding, fetching, resolving or pinning manifests, each with what to do next.
public enum RegistryError: Error, Sendable, CustomStringConvertible {
    case invalidReference(String, String)
    case invalidSource(String, String)
    case invalidName(String, String)
    case unknownRegistry(String, known: [String])
    case duplicateRegistry(String)
    case builtinIsReadOnly
    case notCached(String)
    case folderMissing(String, path: String)
    case offline(String)
    case fetchFailed(registry: String, String)
    case integrity(registry: String, path: String, expected: String, actual: String)
    /// `place` is the file as a message shows it (`reg/agents/x/1.0.0.yaml`, `acme:agents/…`).
    case unsafePath(place: String, String)
    case notFound(kind: ManifestKind, reference: String, suggestion: String?)
    case noMatchingVersion(kind: ManifestKind, reference: String, available: [String])
    case brokenManifest(YAMLError)
    case invalidFile(YAMLError)
    case io(String)

    public var description: String {
        switch self {
        case .invalidReference(let text, let problem):
            return "invalid reference '\(text)': \(problem)"
        case .invalidSource(let text, let problem):
            return "cannot use '\(text)' as a registry: \(problem)"
        case .invalidName(let name, let problem):
            return "invalid registry name '\(name)': \(problem)"
        case .unknownRegistry(let name, let known):
            return "no registry named '\(name)' (configured: \(known.joined(separator: ", "))); see `ringlet registry list`"
        case .duplicateRegistry(let name):
            return "a registry named '\(name)' already exists; remove it first or pick another name"
        case .builtinIsReadOnly:
            return "the built-in registry is part of ringlet and cannot be changed or removed"
        case .notCached(let name):
            return "registry '\(name)' has not been fetched yet; run `ringlet registry update \(name)`"
        case .folderMissing(let name, let path):
            return "registry '\(name)': its folder \(path) is missing; restore it or `ringlet registry remove \(name)`"
        case .offline(let name):
            return "registry '\(name)' needs the network, and --offline forbids fetching"
        case .fetchFailed(let registry, let problem):
            return "cannot fetch registry '\(registry)': \(problem)"
        case .integrity(let registry, let path, let expected, let actual):
            return "registry '\(registry)': \(path) has sha256 \(actual) but index.yaml says \(expected); nothing was changed"
        case .unsafePath(let place, let problem):
            return "\(place): refused: \(problem)"
        case .notFound(let kind, let reference, let suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "no \(kind.rawValue) '\(reference)' in any registry\(hint); `ringlet \(kind.folder) list` shows what there is"
        case .noMatchingVersion(let kind, let reference, let available):
            return "no version of \(kind.rawValue) '\(reference)' matches; available: \(available.joined(separator: ", "))"
        case .brokenManifest(let error):
            return error.description
        case .invalidFile(let error):
            return error.description
        case .io(let message):
            return message
        }
    }
}
