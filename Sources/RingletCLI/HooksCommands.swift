import Glibc
import RingletHooks
import RingletManifest
import RingletProfile
import RingletRegistry
import RingletSystem

/// `ringlet hooks add|list|remove|test|dispatch`: a profile's pre-tool-use hooks, a dry run of them,
/// and the dispatcher an agent's hook wiring calls inside the sandbox.
enum HooksCommands {
    static var command: Command {
        Command("hooks", summary: "pre-tool-use hooks: checks that allow or deny each tool call an agent makes",
                subcommands: [add, list, remove, test, dispatch])
    }

    static let add = Command(
        "add", summary: "add a hook to a profile",
        discussion: """
        The hook runs before every tool call whose name matches --match (a glob, default *), with the
        agent's event JSON on stdin and RINGLET_TOOL_NAME, RINGLET_TOOL_INPUT (JSON), RINGLET_PROFILE,
        RINGLET_SESSION and RINGLET_WORKSPACE set, in the workspace, on the host. Exit 0 allows; any
        other exit, a timeout or a failure to start denies, and stderr is the reason the agent sees.
        A --script file is copied into the profile's hooks folder, out of the agent's reach. --pack REF
        adds every hook of a hook pack from the registries (e.g. safe-shell), named PACK-HOOK.
        """,
        options: [
            .init("on", value: "EVENT", help: "the event: pre-tool-use"),
            .init("shell", value: "CMD", help: "a line for /bin/sh -c"),
            .init("script", value: "FILE", help: "an executable file (copied)"),
            .init("match", value: "GLOB", help: "tool names it runs for (default *)"),
            .init("timeout", value: "TIME", help: "how long it may take before it denies (default 10s)"),
            .init("name", value: "NAME", help: "its name (default hook-N)"),
            .init("pack", value: "REF", help: "add a registry's hook pack instead (e.g. safe-shell@^1)"),
        ],
        arguments: [.init("PROFILE", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try existingProfile(invocation.arguments[0], invocation)
        if let pack = invocation.value("pack") { return try addPack(pack, to: profile, invocation) }
        guard invocation.value("on") == "pre-tool-use" else {
            throw .usage("--on pre-tool-use is required (the one event hooks run on)", usage: invocation.usage)
        }
        let config = invocation.context.directories.config
        var hooks = try load(profile.name, config)
        let name = invocation.value("name") ?? "hook-\(hooks.hooks.count + 1)"
        if let problem = ManifestIdentity.problem(withID: name, noun: "hook name") { throw .usage(problem, usage: invocation.usage) }
        guard !hooks.hooks.contains(where: { $0.name == name }) else {
            throw .usage("profile \(profile.name) already has a hook named \(name); pick another --name", usage: invocation.usage)
        }
        var timeout = HookDefinition.defaultTimeout
        if let text = invocation.value("timeout") {
            guard let value = DurationValue(parsing: text), value.milliseconds > 0 else {
                throw .usage("--timeout takes a duration like 500ms, 10s or 1m, got '\(text)'", usage: invocation.usage)
            }
            timeout = .milliseconds(value.milliseconds)
        }
        let command: HookDefinition.Command
        switch (invocation.value("shell"), invocation.value("script")) {
        case (let line?, nil): command = .shell(line)
        case (nil, let file?): command = .script(try copyScript(file, profile: profile.name, hook: name, invocation))
        default: throw .usage("give the hook --shell 'CMD' or --script FILE (one of them)", usage: invocation.usage)
        }
        hooks.hooks.append(HookDefinition(name: name, command: command, match: invocation.value("match") ?? "*", timeout: timeout))
        try save(hooks, profile.name, config)
        Console.out("added hook \(name) to profile \(profile.name) (pre-tool-use, tools \(invocation.value("match") ?? "*"))")
        if try agentHookAdapter(profile, invocation) == AgentManifest.HookAdapter.none {
            Console.warn("agent \(profile.agent) has no hook support: this hook will not run when the profile runs")
        }
        return .success
    }

    static let list = Command(
        "list", summary: "a profile's hooks, in the order they run", options: [Command.jsonOption],
        arguments: [.init("PROFILE", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try existingProfile(invocation.arguments[0], invocation)
        let hooks = try load(profile.name, invocation.context.directories.config).hooks
        struct Row: Encodable { var name: String, on: String, match: String, timeout: String, shell: String?, script: String? }
        let rows = hooks.map { hook in
            var row = Row(name: hook.name, on: "pre-tool-use", match: hook.match, timeout: hook.timeoutText, shell: nil, script: nil)
            switch hook.command {
            case .shell(let line): row.shell = line
            case .script(let path): row.script = path
            }
            return row
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        guard !rows.isEmpty else {
            Console.out("profile \(profile.name) has no hooks; add one with `ringlet hooks add \(profile.name) --on pre-tool-use --shell 'CMD'`")
            return .success
        }
        var table = TextTable(["NAME", "ON", "MATCH", "TIMEOUT", "COMMAND"])
        for row in rows { table.add([row.name, row.on, row.match, row.timeout, row.shell ?? row.script ?? ""]) }
        Console.out(table.text)
        return .success
    }

    static let remove = Command(
        "remove", summary: "remove a profile's hook by name",
        arguments: [.init("PROFILE", help: "the profile"), .init("NAME", help: "the hook")]
    ) { (invocation) throws(CLIError) in
        let profile = try existingProfile(invocation.arguments[0], invocation)
        let config = invocation.context.directories.config
        var hooks = try load(profile.name, config)
        let name = invocation.arguments[1]
        guard let index = hooks.hooks.firstIndex(where: { $0.name == name }) else {
            throw .failed("profile \(profile.name) has no hook named \(name); `ringlet hooks list \(profile.name)` shows them")
        }
        let removed = hooks.hooks.remove(at: index)
        try save(hooks, profile.name, config)
        if case .script(let path) = removed.command { unlink(path) }
        Console.out("removed hook \(name) from profile \(profile.name)")
        return .success
    }

    static let test = Command(
        "test", summary: "dry run: which hooks a tool call meets and what each decides (exit 0 allowed, 1 denied)",
        options: [Command.jsonOption, .init("tool", value: "NAME", help: "the tool (Bash, Edit, …)"),
                  .init("input", value: "JSON", help: "the tool's input as JSON (default {})")],
        arguments: [.init("PROFILE", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try existingProfile(invocation.arguments[0], invocation)
        guard let tool = invocation.value("tool") else { throw .usage("--tool NAME is required", usage: invocation.usage) }
        let event: ToolEvent
        do throws(HookError) {
            event = try ToolEvent.made(tool: tool, input: invocation.value("input") ?? "{}")
        } catch {
            throw .usage("--input must be JSON: \(error)", usage: invocation.usage)
        }
        let hooks = try load(profile.name, invocation.context.directories.config).hooks
        let workspace = PolicyRequest.absolute(profile.workspace ?? invocation.context.workingDirectory, from: invocation.context.workingDirectory)
        let verdict = HookRunner(hooks: hooks, profile: profile.name, session: "test", workspace: workspace).evaluate(event)
        if invocation.json {
            struct Answer: Encodable { var tool: String, allowed: Bool, hooks: [HookVerdict.Outcome] }
            try JSONOutput.print(Answer(tool: tool, allowed: verdict.allowed, hooks: verdict.outcomes))
        } else {
            var table = TextTable(["HOOK", "DECISION", "MS", "REASON"])
            for outcome in verdict.outcomes {
                table.add([outcome.hook, outcome.allowed ? "allow" : "deny", String(outcome.milliseconds), outcome.reason])
            }
            if !verdict.outcomes.isEmpty { Console.out(table.text) }
            Console.out("\(tool): \(verdict.allowed ? "allowed" : "denied")\(verdict.outcomes.isEmpty ? " (no hook matches it)" : "")")
        }
        return verdict.allowed ? .success : .failure
    }

    static let dispatch = Command(
        "dispatch", summary: "internal: called by the agent's hook wiring before each tool call (exit 0 allow, 2 deny)",
        options: [.init("profile", value: "NAME", help: "the profile (for messages)")]
    ) { (invocation) throws(CLIError) in
        let event = Console.readStandardInput(limit: 4 << 20)
        let port = Environment.value("RINGLET_HOOKS_PORT").flatMap(UInt16.init) ?? HookService.port
        do throws(HookError) {
            let (allowed, reason) = try HookClient.ask(event, port: port)
            if allowed { return .success }
            Console.err(reason.isEmpty ? "denied by a ringlet hook" : reason)
        } catch {
            // Fail closed: no verdict is a denial.
            Console.err("ringlet: \(error); the tool call is denied")
        }
        return ExitCode(rawValue: 2)
    }

    /// Every hook of a pack, named PACK-HOOK, after the profile's own.
    static func addPack(_ text: String, to profile: ProfileFile, _ invocation: Invocation) throws(CLIError) -> ExitCode {
        guard invocation.value("shell") == nil && invocation.value("script") == nil && invocation.value("name") == nil else {
            throw .usage("--pack brings its own hooks: do not combine it with --shell, --script or --name", usage: invocation.usage)
        }
        let resolution = try PolicyRequest.resolve(text, kind: .hooks, resolver: RegistryResolver(try invocation.context.openRegistries()),
                                                   context: invocation.context)
        guard case .hooks(let pack) = resolution.manifest.manifest else { throw .failed("\(text) is not a hook pack") }
        let config = invocation.context.directories.config
        var hooks = try load(profile.name, config)
        let added = pack.hooks.map { hook in
            HookDefinition(name: "\(pack.identity.id)-\(hook.name)", command: .shell(hook.shell), match: hook.match,
                           timeout: hook.timeout.map { .milliseconds($0.milliseconds) } ?? HookDefinition.defaultTimeout)
        }
        if let clash = added.first(where: { new in hooks.hooks.contains { $0.name == new.name } }) {
            throw .failed("profile \(profile.name) already has a hook named \(clash.name): the pack is already added")
        }
        hooks.hooks += added
        try save(hooks, profile.name, config)
        Console.out("added \(added.count) hook\(added.count == 1 ? "" : "s") of \(pack.identity.id) \(pack.identity.version) to profile \(profile.name): \(added.map(\.name).joined(separator: ", "))")
        return .success
    }

    // MARK: Shared

    static func existingProfile(_ name: String, _ invocation: Invocation) throws(CLIError) -> ProfileFile {
        do throws(ProfileError) {
            return try ProfileFile.load(name: name, configDirectory: invocation.context.directories.config)
        } catch {
            if case .notFound = error { throw .failed(error.description) }
            throw .invalidInput(error.description)
        }
    }

    static func load(_ profile: String, _ config: String) throws(CLIError) -> ProfileHooks {
        do throws(ProfileError) {
            return try ProfileHooks.load(profile: profile, configDirectory: config)
        } catch {
            throw .invalidInput(error.description)
        }
    }

    static func save(_ hooks: ProfileHooks, _ profile: String, _ config: String) throws(CLIError) {
        do throws(SystemError) {
            try hooks.save(profile: profile, configDirectory: config)
        } catch {
            throw .failed("cannot save the hooks of profile \(profile): \(error)")
        }
    }

    /// The script's copy in the profile's hooks folder (0700, owner only), executable.
    static func copyScript(_ file: String, profile: String, hook: String, _ invocation: Invocation) throws(CLIError) -> String {
        let source = PolicyRequest.absolute(file, from: invocation.context.workingDirectory)
        guard case .file = FileStatus.of(FileStatus.realPath(source) ?? source) else {
            throw .usage("--script \(file) is not a file", usage: invocation.usage)
        }
        let folder = ProfileHooks.scriptFolder(of: profile, configDirectory: invocation.context.directories.config)
        let copy = folder + "/" + hook
        do throws(SystemError) {
            try Directory.create(folder, mode: 0o700)
            try AtomicFile.write(try FileBytes.read(source), to: copy, mode: 0o700)
        } catch {
            throw .failed("cannot copy \(file) into \(folder): \(error)")
        }
        return copy
    }

    static func agentHookAdapter(_ profile: ProfileFile, _ invocation: Invocation) throws(CLIError) -> AgentManifest.HookAdapter {
        var copy = invocation
        copy.values = ["profile": [profile.name]]
        return try PolicyRequest.compose(copy).agent?.hookAdapter ?? .none
    }
}
