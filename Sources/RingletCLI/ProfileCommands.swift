import Glibc
import RingletHooks
import RingletManifest
import RingletProfile
import RingletRegistry
import RingletSystem
import RingletYAML

/// `ringlet profiles create|list|inspect|edit|delete|env|run`: the agent + provider + model +
/// workspace a user runs every day, each with its own HOME and its key in the credential store.
enum ProfileCommands {
    static var command: Command {
        Command("profiles", summary: "create, inspect and run profiles (agent, provider, model, workspace, hooks)",
                subcommands: [create, list, inspect, edit, delete, env, run, templates])
    }

    static let keyOptions: [Command.Option] = [
        .init("api-key-stdin", help: "read the provider's key from stdin (stored in the credential store, never in the profile)"),
        .init("api-key-env", value: "VAR", help: "take the provider's key from the variable VAR"),
    ]

    static let create = Command(
        "create", summary: "create a profile",
        discussion: """
        The profile is written to ~/.config/ringlet/profiles/NAME.yaml; its HOME,
        ~/.local/share/ringlet/homes/NAME, is made with the agent's config folders. --provider may be left
        out for agents that call no model API (shell). The key goes to the credential store (`ringlet
        keychain list`). For agents with hook support the hook wiring is written into the profile's HOME.
        --template T starts from a built-in template (`ringlet profiles templates`); options win over it.
        """,
        options: [
            .init("template", value: "T", help: "start from a built-in template (claude-anthropic, …)"),
            .init("agent", value: "REF", help: "the agent (e.g. claude@^2)"),
            .init("provider", value: "REF", help: "the model provider (e.g. anthropic, custom)"),
            .init("model", value: "MODEL", help: "the model the agent is told to use"),
            .init("endpoint", value: "NAME|URL", help: "one of the provider's named endpoints, or a base URL"),
            .init("workspace", value: "DIR", help: "the project folder (default: the current folder)"),
            .init("egg", value: "FILE", help: "an extra egg.yaml for this profile"),
        ] + keyOptions,
        arguments: [.init("NAME", help: "the profile's name (letters, digits, - and _)")]
    ) { (invocation) throws(CLIError) in
        let name = invocation.arguments[0]
        let config = invocation.context.directories.config
        if let problem = ManifestIdentity.problem(withID: name, noun: "profile name") { throw .usage(problem, usage: invocation.usage) }
        let path = ProfileFile.path(of: name, configDirectory: config)
        guard !FileStatus.of(path).exists else {
            throw .failed("profile \(name) exists (\(path)); change it with `ringlet profiles edit \(name)` or delete it first")
        }
        var template: ProfileTemplate?
        if let name = invocation.value("template") { template = try findTemplate(name, invocation) }
        func field(_ name: String) -> String? {
            if let given = invocation.value(name) { return given }
            switch name {
            case "agent": return template?.agent
            case "provider": return template?.provider
            case "model": return template?.model
            case "endpoint": return template?.endpoint
            default: return nil
            }
        }
        guard let agentText = field("agent") else { throw .usage("--agent REF (or --template T) is required", usage: invocation.usage) }
        let agent = try resolveAgent(agentText, invocation)
        let provider = try field("provider").map { (text) throws(CLIError) in try resolveProvider(text, invocation) }
        if provider == nil && !agent.apiFamilies.isEmpty {
            throw .usage("agent \(agent.identity.id) calls a model API (\(agent.apiFamilies.joined(separator: ", "))): give --provider", usage: invocation.usage)
        }
        try checkEndpoint(field("endpoint"), provider: provider, agent: agent, invocation)
        let key = try readKey(invocation)
        let workspace = PolicyRequest.absolute(invocation.value("workspace") ?? invocation.context.workingDirectory,
                                               from: invocation.context.workingDirectory)
        guard FileStatus.of(FileStatus.realPath(workspace) ?? workspace) == .directory else {
            throw .usage("workspace \(workspace) is not a folder", usage: invocation.usage)
        }
        let egg = invocation.value("egg").map { PolicyRequest.absolute($0, from: invocation.context.workingDirectory) }
        var text = "# Ringlet profile; `ringlet profiles edit \(name)` changes it, `ringlet sandbox explain --profile \(name)` shows its policy.\n"
        text += "agent: \(YAMLWriter.quote(agentText))\n"
        if let provider = field("provider") { text += "provider: \(YAMLWriter.quote(provider))\n" }
        for (name, value) in [("model", field("model")), ("endpoint", field("endpoint")), ("workspace", workspace), ("egg", egg)] {
            if let value { text += "\(name): \(YAMLWriter.quote(value))\n" }
        }
        let home = invocation.context.directories.data + "/homes/" + name
        if let key, let provider { try ProfileCredentials.store(key, provider: provider.identity.id, profile: name, context: invocation.context) }
        do throws(SystemError) {
            try Directory.create(config + "/profiles", mode: 0o700)
            try AtomicFile.write(text, to: path, mode: 0o600)
            try Directory.create(home, mode: 0o700)
            for folder in agent.configDirectories { try Directory.create(home + "/" + folder, mode: 0o700) }
            if agent.hookAdapter == .claudeSettings { try ClaudeHookWiring.write(profile: name, home: home) }
        } catch {
            throw .failed("cannot create profile \(name): \(error)")
        }
        Console.out("created profile \(name): agent \(agent.identity.id), \(provider.map { "provider \($0.identity.id)" } ?? "no provider"), home \(home)")
        if key == nil, let provider, provider.keyRequired {
            Console.warn("no key stored for \(provider.identity.id): add one with `ringlet profiles edit \(name) --api-key-stdin`")
        }
        if agent.hookAdapter == .none { Console.warn("agent \(agent.identity.id) has no hook support: pre-tool-use hooks will not run for it") }
        return .success
    }

    static let list = Command("list", summary: "every profile", options: [Command.jsonOption]) { (invocation) throws(CLIError) in
        struct Row: Encodable { var name: String, agent: String, provider: String?, model: String?, workspace: String?, hooks: Int }
        var rows: [Row] = []
        for name in names(invocation.context) {
            let profile = try HooksCommands.existingProfile(name, invocation)
            let hooks = try HooksCommands.load(name, invocation.context.directories.config).hooks.count
            rows.append(Row(name: name, agent: profile.agent, provider: profile.provider, model: profile.model, workspace: profile.workspace, hooks: hooks))
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        guard !rows.isEmpty else {
            Console.out("no profiles yet; create one with `ringlet profiles create NAME --agent REF --provider REF`")
            return .success
        }
        var table = TextTable(["NAME", "AGENT", "PROVIDER", "MODEL", "HOOKS", "WORKSPACE"])
        for row in rows { table.add([row.name, row.agent, row.provider ?? "-", row.model ?? "-", String(row.hooks), row.workspace ?? "-"]) }
        Console.out(table.text)
        return .success
    }

    static let inspect = Command(
        "inspect", summary: "a profile: its fields, home, key (masked), hook support and hooks", options: [Command.jsonOption],
        arguments: [.init("NAME", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try HooksCommands.existingProfile(invocation.arguments[0], invocation)
        let composition = try composition(of: profile, invocation)
        let hooks = try HooksCommands.load(profile.name, invocation.context.directories.config).hooks
        let key = try composition.provider.map { (provider) throws(CLIError) in
            try ProfileCredentials.key(provider: provider.identity.id, profile: profile.name, context: invocation.context)
        } ?? nil
        struct Details: Encodable {
            var name: String, file: String, agent: String, provider: String?, model: String?, endpoint: String?, workspace: String
            var home: String, key: String, keyStore: String, hookSupport: Bool, hooks: [String]
        }
        let details = Details(
            name: profile.name, file: profile.path, agent: profile.agent, provider: profile.provider, model: profile.model,
            endpoint: profile.endpoint, workspace: composition.context.workspace, home: composition.context.profileHome,
            key: key.map(ProfileCredentials.masked) ?? "none", keyStore: ProfileCredentials.storeName(context: invocation.context),
            hookSupport: composition.agent?.hookAdapter != AgentManifest.HookAdapter.none, hooks: hooks.map(\.name))
        if invocation.json { try JSONOutput.print(details); return .success }
        var table = TextTable(["FIELD", "VALUE"])
        for (field, value) in [("name", details.name), ("file", details.file), ("agent", details.agent), ("provider", details.provider ?? "-"),
                               ("model", details.model ?? "-"), ("endpoint", details.endpoint ?? "-"), ("workspace", details.workspace),
                               ("home", details.home), ("key", "\(details.key) (\(details.keyStore))"),
                               ("hook support", details.hookSupport ? "yes" : "no: hooks do not run for this agent"),
                               ("hooks", hooks.isEmpty ? "none" : details.hooks.joined(separator: ", "))] {
            table.add([field, value])
        }
        Console.out(table.text)
        return .success
    }

    static let edit = Command(
        "edit", summary: "change a profile's model, endpoint, workspace, egg or key",
        options: [
            .init("model", value: "MODEL", help: "the model"), .init("endpoint", value: "NAME|URL", help: "the endpoint"),
            .init("workspace", value: "DIR", help: "the project folder"), .init("egg", value: "FILE", help: "an extra egg.yaml"),
        ] + keyOptions,
        arguments: [.init("NAME", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try HooksCommands.existingProfile(invocation.arguments[0], invocation)
        let composition = try composition(of: profile, invocation)
        if let agent = composition.agent { try checkEndpoint(invocation.value("endpoint"), provider: composition.provider, agent: agent, invocation) }
        let key = try readKey(invocation)
        var changes: [(String, String)] = []
        for field in ["model", "endpoint", "egg", "workspace"] {
            if let value = invocation.value(field) {
                changes.append((field, field == "model" || field == "endpoint" ? value : PolicyRequest.absolute(value, from: invocation.context.workingDirectory)))
            }
        }
        guard !changes.isEmpty || key != nil else { throw .usage("nothing to change: give at least one option", usage: invocation.usage) }
        if let key {
            guard let provider = composition.provider else { throw .failed("profile \(profile.name) has no provider, so there is no key to store") }
            try ProfileCredentials.store(key, provider: provider.identity.id, profile: profile.name, context: invocation.context)
        }
        do throws(SystemError) {
            if !changes.isEmpty {
                var text = try FileBytes.readString(profile.path)
                for (field, value) in changes { text = ProfileFile.setting(field, to: value, in: text) }
                try AtomicFile.write(text, to: profile.path, mode: 0o600)
            }
        } catch {
            throw .failed("cannot change profile \(profile.name): \(error)")
        }
        Console.out("changed profile \(profile.name): \((changes.map(\.0) + (key == nil ? [] : ["key"])).joined(separator: ", "))")
        return .success
    }

    static let delete = Command(
        "delete", summary: "delete a profile, its hooks and its stored key (its HOME is kept)",
        arguments: [.init("NAME", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try HooksCommands.existingProfile(invocation.arguments[0], invocation)
        let config = invocation.context.directories.config
        if let provider = profile.provider.flatMap({ try? LockCommands.parseReference($0) })?.id {
            try ProfileCredentials.remove(provider: provider, profile: profile.name, context: invocation.context)
        }
        do throws(SystemError) {
            let scripts = ProfileHooks.scriptFolder(of: profile.name, configDirectory: config)
            if FileStatus.of(scripts) == .directory { try Directory.removeTree(scripts) }
            unlink(ProfileHooks.path(of: profile.name, configDirectory: config))
            guard unlink(profile.path) == 0 else { throw SystemError.call(operation: "delete", path: profile.path, errno: errno) }
        } catch {
            throw .failed("cannot delete profile \(profile.name): \(error)")
        }
        let home = invocation.context.directories.data + "/homes/" + profile.name
        Console.out("deleted profile \(profile.name) and its key; its HOME is kept at \(home) (remove it with rm -rf when you no longer need it)")
        return .success
    }

    static let env = Command(
        "env", summary: "the variables a run of the profile sets, as shell exports (the key is named, never shown)",
        arguments: [.init("NAME", help: "the profile")]
    ) { (invocation) throws(CLIError) in
        let profile = try HooksCommands.existingProfile(invocation.arguments[0], invocation)
        let composition = try composition(of: profile, invocation)
        for setting in composition.policy.settings.sorted(by: { $0.name < $1.name }) {
            Console.out("export \(setting.name)=\(shellQuote(setting.value ?? ""))")
        }
        if let agent = composition.agent, let model = profile.model, let variable = agent.environment.model {
            Console.out("export \(variable)=\(shellQuote(model))")
        }
        if let variable = PolicyRequest.api(of: composition.provider, for: composition.agent)?.apiKeyVariable {
            Console.out("# \(variable) is set from the credential store (\(ProfileCredentials.storeName(context: invocation.context))) when the profile runs")
        }
        return .success
    }

    static let run = Command(
        "run", summary: "run a profile's agent in the sandbox (see `ringlet run --help`), here or on a remote",
        discussion: """
        With --remote NAME the profile of that name on the remote daemon is started there (none of the
        other options apply) and this terminal attaches to it, as `ringlet remotes attach` does.
        """,
        options: RunCommand.command.options.filter { !["profile", "agent", "provider"].contains($0.name) } + [RemotesCommands.remoteOption],
        arguments: [.init("NAME", help: "the profile"), .init("ARGS", optional: true, variadic: true, help: "arguments for the agent (after --)")]
    ) { (invocation) throws(CLIError) in
        if let remote = invocation.value("remote") {
            var forwarded = invocation
            forwarded.arguments = Array(invocation.arguments.dropFirst())
            return try RemotesCommands.runRemote(profile: invocation.arguments[0], remote: remote, forwarded)
        }
        var forwarded = invocation
        forwarded.values["profile"] = [invocation.arguments[0]]
        forwarded.arguments = Array(invocation.arguments.dropFirst())
        return try RunCommand.command.action!(forwarded)
    }

    static let templates = Command("templates", summary: "the built-in profile templates", options: [Command.jsonOption]) { (invocation) throws(CLIError) in
        let all = try allTemplates()
        struct Row: Encodable { var name: String, description: String, agent: String, provider: String?, model: String? }
        if invocation.json {
            try JSONOutput.print(all.map { Row(name: $0.name, description: $0.description, agent: $0.agent, provider: $0.provider, model: $0.model) })
            return .success
        }
        var table = TextTable(["TEMPLATE", "AGENT", "PROVIDER", "MODEL", "DESCRIPTION"])
        for template in all { table.add([template.name, template.agent, template.provider ?? "-", template.model ?? "-", template.description]) }
        Console.out(table.text)
        return .success
    }

    // MARK: Shared

    static func allTemplates() throws(CLIError) -> [ProfileTemplate] {
        do throws(YAMLError) {
            return try ProfileTemplate.all()
        } catch {
            throw .failed("a built-in profile template is broken: \(error)")
        }
    }

    static func findTemplate(_ name: String, _ invocation: Invocation) throws(CLIError) -> ProfileTemplate {
        let all = try allTemplates()
        guard let template = all.first(where: { $0.name == name }) else {
            throw .usage("no template \(name); there are: \(all.map(\.name).joined(separator: ", "))", usage: invocation.usage)
        }
        return template
    }

    static func names(_ context: CLIContext) -> [String] {
        let folder = context.directories.config + "/profiles"
        let entries = (try? Directory.contents(folder)) ?? []
        return entries.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".hooks.yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func composition(of profile: ProfileFile, _ invocation: Invocation) throws(CLIError) -> PolicyRequest.Composition {
        var copy = invocation
        copy.values = ["profile": [profile.name]]
        return try PolicyRequest.compose(copy)
    }

    static func resolveAgent(_ text: String, _ invocation: Invocation) throws(CLIError) -> AgentManifest {
        var copy = invocation
        copy.values = ["agent": [text]]
        guard let agent = try PolicyRequest.compose(copy).agent else { throw .failed("\(text) is not an agent") }
        return agent
    }

    static func resolveProvider(_ text: String, _ invocation: Invocation) throws(CLIError) -> ProviderManifest {
        var copy = invocation
        copy.values = ["provider": [text]]
        guard let provider = try PolicyRequest.compose(copy).provider else { throw .failed("\(text) is not a provider") }
        return provider
    }

    /// A named endpoint must be the provider's; a URL needs a provider whose API takes a base URL.
    static func checkEndpoint(_ endpoint: String?, provider: ProviderManifest?, agent: AgentManifest, _ invocation: Invocation) throws(CLIError) {
        guard let endpoint else {
            if let provider, let api = PolicyRequest.api(of: provider, for: agent), api.endpoints.isEmpty {
                throw .usage("provider \(provider.identity.id) has no endpoint of its own: give --endpoint URL", usage: invocation.usage)
            }
            return
        }
        guard let provider, let api = PolicyRequest.api(of: provider, for: agent) else {
            throw .usage("--endpoint needs a provider", usage: invocation.usage)
        }
        if endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") {
            guard api.baseURLVariable != nil else {
                throw .usage("provider \(provider.identity.id) takes no base URL for \(api.family); use a named endpoint or the custom provider", usage: invocation.usage)
            }
        } else if !api.endpoints.contains(where: { $0.name == endpoint }) {
            let known = api.endpoints.map(\.name).joined(separator: ", ")
            throw .usage("provider \(provider.identity.id) has no endpoint named \(endpoint)\(known.isEmpty ? "" : " (it has: \(known))"); or give a URL", usage: invocation.usage)
        }
    }

    /// Not an option: `ringlet init` puts a key it read without echo here, so it reaches the credential
    /// store the same way as one from --api-key-stdin, never through the environment or a file.
    static let givenKey = "given-api-key"

    static func readKey(_ invocation: Invocation) throws(CLIError) -> String? {
        if let given = invocation.values[givenKey]?.last { return given }
        switch (invocation.flag("api-key-stdin"), invocation.value("api-key-env")) {
        case (true, nil):
            let key = String(decoding: Console.readStandardInput(limit: 64 << 10), as: UTF8.self).trimmingWhitespace
            guard !key.isEmpty else { throw .usage("--api-key-stdin read nothing; pipe the key in", usage: invocation.usage) }
            return key
        case (false, let variable?):
            guard let key = Environment.value(variable), !key.isEmpty else {
                throw .usage("--api-key-env \(variable): the variable is not set", usage: invocation.usage)
            }
            return key
        case (false, nil): return nil
        case (true, _?): throw .usage("give the key with --api-key-stdin or --api-key-env, not both", usage: invocation.usage)
        }
    }

    static func shellQuote(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }
}
