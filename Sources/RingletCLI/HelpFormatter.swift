/// Renders `--help` and usage lines from the command tree.
enum HelpFormatter {
    static func usage(_ command: Command, path: [String]) -> String {
        var parts = path
        if !command.subcommands.isEmpty && command.action == nil {
            parts.append("<command>")
        } else {
            for argument in command.arguments {
                let name = argument.variadic ? argument.name + "..." : argument.name
                parts.append(argument.optional ? "[\(name)]" : name)
            }
            if !command.options.isEmpty { parts.append("[options]") }
        }
        return parts.joined(separator: " ")
    }

    static func help(_ command: Command, path: [String]) -> String {
        var text = "\(path.joined(separator: " ")) — \(command.summary)\n\nusage: \(usage(command, path: path))\n"
        if !command.discussion.isEmpty {
            text += "\n" + command.discussion + "\n"
        }
        if !command.subcommands.isEmpty {
            text += "\ncommands:\n" + rows(command.subcommands.filter { !$0.hidden }.map { ($0.name, $0.summary) })
        }
        if !command.arguments.isEmpty {
            text += "\narguments:\n" + rows(command.arguments.map { ($0.name, $0.help) })
        }
        let options = command.options + CommandLineParser.globalOptions
        text += "\noptions:\n" + rows(options.map { option in
            var name = "--" + option.name
            if let value = option.value { name += " " + value }
            if let short = option.short { name = "-\(short), " + name }
            return (name, option.help + (option.repeats ? " (repeatable)" : ""))
        })
        if !command.subcommands.isEmpty {
            text += "\nRun '\(path.joined(separator: " ")) <command> --help' for a command's options.\n"
        }
        return text
    }

    private static func rows(_ rows: [(String, String)]) -> String {
        let width = min(30, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { name, help in
            let padding = name.count < width ? String(repeating: " ", count: width - name.count) : "\n" + String(repeating: " ", count: width + 2)
            return "  " + name + padding + help + "\n"
        }.joined()
    }
}
