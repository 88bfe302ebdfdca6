import Glibc
import RingletManifest
import RingletPolicy
import RingletProfile
import RingletSandbox
import RingletSystem

/// `ringlet init`: from nothing to a first profile. It finds which agents are installed (the built-in
/// profile templates' agents whose binary is on PATH), lets the user pick one with its provider, asks for
/// the key without echo (or takes `--api-key-env`), optionally writes a starter egg.yaml, and prints the
/// next commands. Every choice has a flag, so `--yes` runs it from a script; the profile itself is made
/// by `profiles create`, so the two can never disagree.
enum InitCommand {
    static let command = Command(
        "init", summary: "set up a first profile: detect agents, pick a provider, store the key, say what is next",
        discussion: """
        Interactive on a terminal; with --yes (or without a terminal) it takes the flags and otherwise the
        first installed agent's template, and fails rather than ask. The key is read without echo and goes
        to the credential store, never to a file you see.
        """,
        options: [
            .init("template", value: "T", help: "the profile template to start from (`ringlet profiles templates`)"),
            .init("name", value: "NAME", help: "the profile's name (default: the agent's id)"),
            .init("workspace", value: "DIR", help: "the project folder (default: the current folder)"),
            .init("api-key-env", value: "VAR", help: "take the provider's key from the variable VAR"),
            .init("egg", help: "write a starter egg.yaml in the workspace"),
            .init("yes", short: "y", help: "ask nothing: take the flags and the defaults"),
        ]
    ) { (invocation) throws(CLIError) in
        let interactive = !invocation.flag("yes") && isatty(0) == 1
        let candidates = try detect(invocation)
        var seen = Set<String>()
        let installed = candidates.filter { $0.installed && seen.insert($0.agent.identity.id).inserted }
        Console.out("agents found on PATH: " + installed.map { "\($0.agent.identity.id) (\($0.binary ?? ""))" }.joined(separator: ", "))

        let chosen: Candidate
        if let name = invocation.value("template") {
            guard let match = candidates.first(where: { $0.template.name == name }) else {
                throw .usage("no template \(name); `ringlet profiles templates` lists them", usage: invocation.usage)
            }
            chosen = match
        } else {
            let offered = candidates.filter(\.installed)
            let preferred = offered.first { $0.agent.identity.id != "shell" } ?? offered.first
            guard let preferred else { throw .failed("no agent is installed on PATH; install one (see `ringlet agents list`), or pass --template shell") }
            if interactive {
                for (index, candidate) in offered.enumerated() {
                    Console.out("  \(index + 1). \(candidate.template.name): \(candidate.template.description)")
                }
                let answer = prompt("template [\(preferred.template.name)]: ")
                if answer.isEmpty {
                    chosen = preferred
                } else if let number = Int(answer), (1...offered.count).contains(number) {
                    chosen = offered[number - 1]
                } else if let named = offered.first(where: { $0.template.name == answer }) {
                    chosen = named
                } else {
                    throw .usage("'\(answer)' is not one of the templates listed", usage: invocation.usage)
                }
            } else {
                chosen = preferred
            }
        }
        if !chosen.installed { Console.warn("\(chosen.agent.binary.name) is not on PATH yet; install it before running the profile") }

        var name = invocation.value("name") ?? chosen.agent.identity.id
        if interactive && invocation.value("name") == nil {
            let answer = prompt("profile name [\(name)]: ")
            if !answer.isEmpty { name = answer }
        }

        var create = invocation
        create.values = ["template": [chosen.template.name], "workspace": [invocation.value("workspace") ?? invocation.context.workingDirectory]]
        create.arguments = [name]
        if let variable = invocation.value("api-key-env") {
            create.values["api-key-env"] = [variable]
        } else if let provider = chosen.template.provider {
            let manifest = try ProfileCommands.resolveProvider(provider, invocation)
            if manifest.keyRequired {
                guard interactive else {
                    throw .usage("\(manifest.identity.id) needs a key: pass --api-key-env VAR (or run ringlet init on a terminal)", usage: invocation.usage)
                }
                let key = try secretPrompt((manifest.keyPrompt ?? "\(manifest.identity.name) API key") + ": ")
                guard !key.isEmpty else { throw .usage("no key given", usage: invocation.usage) }
                create.values[ProfileCommands.givenKey] = [key]
            }
        }
        _ = try ProfileCommands.create.action!(create)

        let workspace = create.values["workspace"]![0]
        var writeEgg = invocation.flag("egg")
        if interactive && !writeEgg && !FileStatus.of(workspace + "/" + EggLoader.fileName).exists {
            writeEgg = prompt("write a starter egg.yaml in \(workspace)? [y/N]: ").lowercased().hasPrefix("y")
        }
        if writeEgg {
            var egg = invocation
            egg.context.workingDirectory = PolicyRequest.absolute(workspace, from: invocation.context.workingDirectory)
            egg.values = [:]
            _ = try EggCommands.initialize.action!(egg)
        }
        Console.out("""

        next:
          ringlet profiles run \(name)                 # the agent in the sandbox, on this terminal
          ringlet sandbox explain --profile \(name)    # what it may read, write and reach
          ringlet daemon --stay-alive                  # then open http://127.0.0.1:8765/ with `ringlet daemon token`
        """)
        return .success
    }

    struct Candidate {
        var template: ProfileTemplate
        var agent: AgentManifest
        var binary: String?
        var installed: Bool { binary != nil }
    }

    /// Every template with its agent and where that agent's binary is, if it is installed.
    static func detect(_ invocation: Invocation) throws(CLIError) -> [Candidate] {
        let searchPath = Environment.value("PATH") ?? "/usr/bin:/bin"
        var found: [Candidate] = []
        for template in try ProfileCommands.allTemplates() {
            guard let agent = try? ProfileCommands.resolveAgent(template.agent, invocation) else { continue }
            found.append(Candidate(template: template, agent: agent, binary: InstalledAgent.locate(agent.binary.name, searchPath: searchPath)))
        }
        return found
    }

    /// One line from the terminal, without its newline.
    static func prompt(_ text: String) -> String {
        Console.write(text, to: STDOUT_FILENO, endingLine: false)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(0, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        return String(decoding: line, as: UTF8.self).trimmingWhitespace
    }

    /// A line read with the terminal's echo off, so a key never shows on screen; echo is restored even
    /// when reading fails.
    static func secretPrompt(_ text: String) throws(CLIError) -> String {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { throw .failed("cannot read the key from this terminal: \(SystemError.text(errno))") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            Console.out("")
        }
        return prompt(text)
    }
}
