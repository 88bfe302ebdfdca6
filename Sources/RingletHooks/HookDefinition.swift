import Glibc

/// One pre-tool-use hook of a profile: what runs, for which tools, and how long it may take.
///
/// A hook is the user's own check above the sandbox: it sees every tool call the agent is about to make
/// and allows it by exiting 0; anything else (a non-zero exit, a timeout, a hook that cannot start)
/// denies, with the hook's stderr as the reason the agent is told.
public struct HookDefinition: Sendable, Hashable {
    public enum Command: Sendable, Hashable {
        /// A line for `/bin/sh -c`.
        case shell(String)
        /// An executable file, run with no arguments.
        case script(String)
    }

    public var name: String
    public var command: Command
    /// Globs on the tool's name, `|` between alternatives (`Bash`, `Edit|Write`, `mcp__*`); `*` matches every tool.
    public var match: String
    public var timeout: Duration

    public static let defaultTimeout: Duration = .seconds(10)

    public init(name: String, command: Command, match: String = "*", timeout: Duration = HookDefinition.defaultTimeout) {
        self.name = name
        self.command = command
        self.match = match
        self.timeout = timeout
    }

    /// The timeout as written in files and tables: `10s`, `500ms`.
    public var timeoutText: String {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// Whether this hook runs for `tool`.
    public func matches(tool: String) -> Bool {
        match.split(separator: "|").contains { fnmatch(String($0), tool, 0) == 0 }
    }
}
