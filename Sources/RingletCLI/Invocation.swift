/// A parsed command line: which command, its option values and its positional arguments, plus the
/// ambient context (directories, environment, output).
public struct Invocation: Sendable {
    public var path: [String]
    public var values: [String: [String]]
    public var arguments: [String]
    public var context: CLIContext
    /// The command's usage line, for errors about its arguments.
    public var usage: String

    public func flag(_ name: String) -> Bool { values[name] != nil }

    public func value(_ name: String) -> String? { values[name]?.last }

    public func all(_ name: String) -> [String] { values[name] ?? [] }

    public func integer(_ name: String) throws(CLIError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else { throw .usage("--\(name) expects a whole number, got '\(text)'", usage: usage) }
        return number
    }

    public var json: Bool { flag("json") }
}
