/// `ringlet(1)` in roff (`man -l`), generated from the command tree like `--help` and the completions:
/// every command with its usage, description, arguments and options, then the exit statuses, files and
/// environment a reader of a manual expects.
enum ManualPage {
    static func render(_ root: Command, version: String) -> String {
        var text = """
        .TH RINGLET 1 "" "ringlet \(version)" "User Commands"
        .SH NAME
        ringlet \\- \(escaped(root.summary))
        .SH SYNOPSIS
        .B ringlet
        .I command
        [\\fIoptions\\fR]
        .SH DESCRIPTION
        \(escaped(root.discussion))
        Every command takes \\fB\\-\\-help\\fR; every listing takes \\fB\\-\\-json\\fR.
        .SH COMMANDS

        """
        for node in CompletionScript.nodes(root) where node.command.action != nil && !node.path.isEmpty {
            let command = node.command
            text += ".SS \(escaped(HelpFormatter.usage(command, path: ["ringlet"] + node.path.split(separator: " ").map(String.init))))\n"
            text += escaped(command.summary) + ".\n"
            if !command.discussion.isEmpty { text += ".PP\n" + escaped(command.discussion) + "\n" }
            for argument in command.arguments {
                text += ".TP\n.I \(escaped(argument.name))\n\(escaped(argument.help))\n"
            }
            for option in command.options {
                text += ".TP\n.B \\-\\-\(escaped(option.name))" + (option.value.map { " \\fI\(escaped($0))\\fR" } ?? "") + "\n"
                text += escaped(option.help) + (option.repeats ? " (repeatable)" : "") + "\n"
            }
        }
        text += """
        .SH GLOBAL OPTIONS
        \(CommandLineParser.globalOptions.map { ".TP\n.B \\-\\-\(escaped($0.name))\n\(escaped($0.help))" }.joined(separator: "\n"))
        .SH EXIT STATUS
        0 success; 1 the operation failed; 2 a bad command line or input file, nothing changed; 3 ringlet.lock
        does not hold. \\fBringlet run\\fR and session attaches exit with the agent's status.
        .SH FILES
        ~/.config/ringlet (registries, profiles, egg.yaml, the daemon token, remotes), ~/.local/share/ringlet/homes
        (each profile's HOME), ~/.cache/ringlet/registries, ~/.local/state/ringlet (audit.db, recordings,
        daemon.log), $XDG_RUNTIME_DIR/ringlet (session sockets).
        .SH ENVIRONMENT
        RINGLET_HOME puts every file under one folder; RINGLET_CA_FILE trusts a private CA for HTTPS
        registries and remotes; NO_COLOR is honoured.

        """
        return text
    }

    /// Text safe in roff: backslashes doubled, hyphens as minus signs, anything beyond ASCII as a named
    /// glyph (`\[u2014]`), and no line starting with a control character.
    static func escaped(_ text: String) -> String {
        var body = ""
        for scalar in text.replacing("\\", with: "\\e").replacing("-", with: "\\-").unicodeScalars {
            if scalar.isASCII {
                body.unicodeScalars.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                body += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            }
        }
        return body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }
}
