import RingletYAML

/// Why a policy could not be composed: a bad egg.yaml, a bad rule, a broken `base:` chain. Nothing is
/// composed when any layer is bad.
public enum PolicyError: Error, Sendable, CustomStringConvertible {
    case invalidFile(YAMLError)
    case invalidRule(YAMLLocation?, String)
    /// The chain, and where the `base:` that closes the loop is written.
    case baseCycle([String], YAMLLocation?)
    case baseTooDeep([String])

    public var description: String {
        switch self {
        case .invalidFile(let error):
            return error.description
        case .invalidRule(let location, let message):
            return location.map { "\($0): \(message)" } ?? message
        case .baseCycle(let chain, let location):
            return (location.map { "\($0): " } ?? "") + "egg.yaml base chain loops: \(chain.joined(separator: " -> "))"
        case .baseTooDeep(let chain):
            return "egg.yaml base chain is deeper than \(EggLoader.maxDepth): \(chain.joined(separator: " -> "))"
        }
    }
}
