import RingletYAML

/// Why a profile could not be read.
public enum ProfileError: Error, Sendable, CustomStringConvertible {
    case invalidName(String)
    case notFound(String, path: String)
    case invalidFile(YAMLError)

    public var description: String {
        switch self {
        case .invalidName(let problem): problem
        case .notFound(let name, let path): "no profile '\(name)' (looked for \(path))"
        case .invalidFile(let error): error.description
        }
    }
}
