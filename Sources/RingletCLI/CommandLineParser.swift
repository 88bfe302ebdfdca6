import RingletYAML

/// Turns `argv` into an `Invocation` of a command in the tree, or into help text.
///
/// Options may come before, between or after arguments; `--name=value` and `--name value` both work;
/// `--` ends options. Global options (`--offline`, `--locked`) are accepted by every command.
struct CommandLineParser {
    enum Outcome {
        case run(Command, Invocation)
        case help(String)
    }

    static let globalOptions = [
        Command.Option("offline", help: "never touch the network; use cached registries only"),
        Command.Option("locked", help: "fail (exit 3) unless everything resolves exactly as ringlet.lock pins it"),
        Command.Option("help", short: "h", help: "show this help"),
    ]

    let root: Command

    func parse(_ argv: [String], context: CLIContext) throws(CLIError) -> Outcome {
        var command = root
        var path = [root.name]
        var index = 0
        var values: [String: [String]] = [:]
        while index < argv.count, !command.subcommands.isEmpty {
            let word = argv[index]
            // Global flags may come before the command: `ringlet --offline agents list`.
            if word.hasPrefix("--"), let global = CommandLineParser.globalOptions.first(where: { "--" + $0.name == word }),
               global.name != "help" {
                values[global.name, default: []].append("")
                index += 1
                continue
            }
            if word.hasPrefix("-") { break }
            guard let sub = command.subcommands.first(where: { $0.name == word }) else {
                let names = command.subcommands.filter { !$0.hidden }.map(\.name)
                let hint = KeySuggestion.closest(to: word, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw .usage("unknown command '\(path.joined(separator: " ")) \(word)'\(hint)", usage: HelpFormatter.usage(command, path: path))
            }
            command = sub
            path.append(word)
            index += 1
        }

        let usage = HelpFormatter.usage(command, path: path)
        let options = command.options + CommandLineParser.globalOptions
        var arguments: [String] = []
        var onlyArguments = false
        while index < argv.count {
            let word = argv[index]
            index += 1
            if onlyArguments || !word.hasPrefix("-") || word == "-" {
                arguments.append(word)
                continue
            }
            if word == "--" {
                onlyArguments = true
                continue
            }
            var name: String
            var inlineValue: String?
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
            } else {
                guard word.count == 2, let option = options.first(where: { $0.short == word.last }) else {
                    throw .usage("unknown option '\(word)'", usage: usage)
                }
                name = option.name
            }
            guard let option = options.first(where: { $0.name == name }) else {
                let hint = KeySuggestion.closest(to: name, among: options.map(\.name)).map { " (did you mean '--\($0)'?)" } ?? ""
                throw .usage("unknown option '--\(name)' for '\(path.joined(separator: " "))'\(hint)", usage: usage)
            }
            if option.value == nil {
                guard inlineValue == nil else { throw .usage("--\(name) takes no value", usage: usage) }
                values[name, default: []].append("")
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < argv.count else { throw .usage("--\(name) needs a value (\(option.value!))", usage: usage) }
                value = argv[index]
                index += 1
            }
            if !option.repeats && values[name] != nil {
                throw .usage("--\(name) given twice", usage: usage)
            }
            values[name, default: []].append(value)
        }

        if values["help"] != nil || command.action == nil {
            return .help(HelpFormatter.help(command, path: path))
        }
        let required = command.arguments.filter { !$0.optional }.count
        let variadic = command.arguments.contains { $0.variadic }
        if arguments.count < required {
            let missing = command.arguments[arguments.count].name
            throw .usage("missing argument \(missing)", usage: usage)
        }
        if !variadic && arguments.count > command.arguments.count {
            throw .usage("unexpected argument '\(arguments[command.arguments.count])'", usage: usage)
        }
        var context = context
        if values["offline"] != nil { context.offline = true }
        if values["locked"] != nil { context.lockedByFlag = true }
        return .run(command, Invocation(path: path, values: values, arguments: arguments, context: context, usage: usage))
    }
}
