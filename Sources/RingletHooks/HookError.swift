/// Why hooks could not be read, run or reached.
public enum HookError: Error, Sendable, Equatable, CustomStringConvertible {
    case badEvent(String)
    case unreachable(String)
    case io(String)

    public var description: String {
        switch self {
        case .badEvent(let problem): problem
        case .unreachable(let problem): "the run's hook service cannot be reached: \(problem)"
        case .io(let problem): problem
        }
    }
}
