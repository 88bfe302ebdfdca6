import CRingletShim
import Glibc
import RingletManifest

/// The `ringlet` command line: the command tree and the entry point the executable calls.
///
/// Every command is a value in the tree below; parsing, help and errors are shared, and an error's
/// type decides the exit status (1 failure, 2 bad input, 3 lockfile drift).
public enum RingletCommand {
    public static let version = "0.1.0"

    static var root: Command {
        Command(
            "ringlet", summary: "run AI coding agents in a sandbox, drive them from anywhere",
            discussion: "Agents and providers come from versioned registries: the built-in one and those you add.",
            subcommands: [
                Command("registry", summary: "add, fetch, pin and check registries of agent and provider manifests",
                        subcommands: RegistryCommands.all),
                CatalogCommands.commands(for: .agent),
                CatalogCommands.commands(for: .provider),
                InitCommand.command,
                SandboxCommands.command,
                EggCommands.command,
                ProxyCommand.command,
                RunCommand.command,
                ProfileCommands.command,
                HooksCommands.command,
                KeychainCommands.command,
                ConfigCommands.command,
                AuditCommands.command,
                UsageCommand.command,
                SessionsCommands.command,
                DaemonCommand.command,
                RemotesCommands.command,
                SessionHostCommand.command,
                DoctorCommand.command,
                ShellCommands.completions,
                ShellCommands.help,
                Command("version", summary: "print ringlet's version") { _ in
                    Console.out("ringlet \(version)")
                    return .success
                },
            ])
    }

    /// Runs one command line and returns the process exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        // What ringlet's caller left open (a file, a socket) must never reach an agent or any other child.
        _ = ringlet_close_on_exec_from(3)
        if arguments == ["--version"] {
            Console.out("ringlet \(version)")
            return ExitCode.success.rawValue
        }
        do throws(CLIError) {
            switch try CommandLineParser(root: root).parse(arguments, context: .fromEnvironment()) {
            case .help(let text):
                Console.out(text)
                return ExitCode.success.rawValue
            case .run(let command, let invocation):
                return try command.action!(invocation).rawValue
            }
        } catch {
            Console.err("error: \(error)")
            return error.exitCode.rawValue
        }
    }
}
