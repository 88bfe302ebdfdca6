/// A node of the command tree: its name, help, accepted options and arguments, subcommands, and the
/// action it runs. The tree is data, so `--help`, usage lines and "did you mean" all come from one place.
public struct Command: Sendable {
    public struct Option: Sendable {
        public var name: String
        public var short: Character?
        /// The placeholder for the option's value, or nil for a flag.
        public var value: String?
        public var repeats: Bool
        public var help: String

        public init(_ name: String, short: Character? = nil, value: String? = nil, repeats: Bool = false, help: String) {
            self.name = name
            self.short = short
            self.value = value
            self.repeats = repeats
            self.help = help
        }
    }

    public struct Argument: Sendable {
        public var name: String
        public var optional: Bool
        public var variadic: Bool
        public var help: String

        public init(_ name: String, optional: Bool = false, variadic: Bool = false, help: String) {
            self.name = name
            self.optional = optional
            self.variadic = variadic
            self.help = help
        }
    }

    public typealias Action = @Sendable (Invocation) throws(CLIError) -> ExitCode

    public var name: String
    public var summary: String
    public var discussion: String
    public var options: [Option]
    public var arguments: [Argument]
    public var subcommands: [Command]
    /// Left out of its parent's help: for commands Ringlet runs itself (`session-host`), not people.
    public var hidden: Bool
    public var action: Action?

    public init(_ name: String, summary: String, discussion: String = "", options: [Option] = [],
                arguments: [Argument] = [], subcommands: [Command] = [], hidden: Bool = false, action: Action? = nil) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.options = options
        self.arguments = arguments
        self.subcommands = subcommands
        self.hidden = hidden
        self.action = action
    }

    static let jsonOption = Option("json", help: "print JSON instead of a table")
}
