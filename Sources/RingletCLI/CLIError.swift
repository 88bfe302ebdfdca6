import RingletRegistry

/// Why a command stopped, and so which exit status it ends with.
public enum CLIError: Error, Sendable, CustomStringConvertible {
    /// A command-line mistake; `usage` is the command's usage line to show with it.
    case usage(String, usage: String)
    case registry(RegistryError)
    case lockDrift([String])
    case failed(String)
    /// An input file or value is wrong (egg.yaml, a rule); nothing was composed or changed.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .usage(let message, let usage): "\(message)\nusage: \(usage)"
        case .registry(let error): error.description
        case .lockDrift(let lines): lines.joined(separator: "\n")
        case .failed(let message), .invalidInput(let message): message
        }
    }

    var exitCode: ExitCode {
        switch self {
        case .usage, .invalidInput: .usage
        case .lockDrift: .lockDrift
        case .failed: .failure
        case .registry(let error):
            switch error {
            case .invalidReference, .invalidSource, .invalidName, .invalidFile, .duplicateRegistry, .builtinIsReadOnly:
                .usage
            default:
                .failure
            }
        }
    }
}
