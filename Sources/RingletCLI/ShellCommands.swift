/// `ringlet completions SHELL` and `ringlet help [COMMAND…] [--man]`: the command tree as shell
/// completions, as help for any command, and as a manual page.
enum ShellCommands {
    static let completions = Command(
        "completions", summary: "print the shell completion script for bash, zsh or fish",
        discussion: """
        bash: ringlet completions bash > ~/.local/share/bash-completion/completions/ringlet
        zsh:  source <(ringlet completions zsh)   (in ~/.zshrc)
        fish: ringlet completions fish > ~/.config/fish/completions/ringlet.fish
        """,
        arguments: [.init("SHELL", help: CompletionScript.Shell.allCases.map(\.rawValue).joined(separator: ", "))]
    ) { (invocation) throws(CLIError) in
        guard let shell = CompletionScript.Shell(rawValue: invocation.arguments[0]) else {
            throw .usage("no completions for '\(invocation.arguments[0])'; choose one of \(CompletionScript.Shell.allCases.map(\.rawValue).joined(separator: ", "))",
                         usage: invocation.usage)
        }
        Console.out(CompletionScript.script(for: shell, root: RingletCommand.root))
        return .success
    }

    static let help = Command(
        "help", summary: "show help for a command, or the whole manual with --man",
        discussion: "`ringlet help registry add` is `ringlet registry add --help`; `ringlet help --man | man -l -` reads the manual page.",
        options: [.init("man", help: "print the manual page (roff) for every command")],
        arguments: [.init("COMMAND", optional: true, variadic: true, help: "the command, e.g. registry add")]
    ) { (invocation) throws(CLIError) in
        if invocation.flag("man") {
            Console.out(ManualPage.render(RingletCommand.root, version: RingletCommand.version))
            return .success
        }
        var command = RingletCommand.root
        var path = [command.name]
        for word in invocation.arguments {
            guard let sub = command.subcommands.first(where: { $0.name == word }) else {
                throw .usage("unknown command '\((path + [word]).joined(separator: " "))'", usage: invocation.usage)
            }
            command = sub
            path.append(word)
        }
        Console.out(HelpFormatter.help(command, path: path))
        return .success
    }
}
