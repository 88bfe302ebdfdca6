import RingletHooks
import RingletManifest
import RingletSystem
import RingletYAML

/// A profile's hooks, in `profiles/<name>.hooks.yaml` beside the profile, written only by
/// `ringlet hooks add|remove` (so the profile file the user edits by hand is never rewritten), with
/// `--script` files copied into `profiles/<name>.hooks/`: the config folder is invisible to the
/// sandbox, so the agent cannot change a hook that judges it.
///
/// ```yaml
/// hooks:
///   - name: no-force-push
///     on: pre-tool-use
///     shell: "! grep -q 'push --force' <<<\"$RINGLET_TOOL_INPUT\""
///     match: Bash
///     timeout: 10s
/// ```
public struct ProfileHooks: Sendable {
    public var hooks: [HookDefinition]

    public init(hooks: [HookDefinition] = []) {
        self.hooks = hooks
    }

    public static func path(of profile: String, configDirectory: String) -> String {
        configDirectory + "/profiles/" + profile + ".hooks.yaml"
    }

    public static func scriptFolder(of profile: String, configDirectory: String) -> String {
        configDirectory + "/profiles/" + profile + ".hooks"
    }

    public static func load(profile: String, configDirectory: String) throws(ProfileError) -> ProfileHooks {
        let path = path(of: profile, configDirectory: configDirectory)
        guard FileStatus.of(path).exists else { return ProfileHooks() }
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: path) else { return ProfileHooks() }
            let map = try YAMLMapping(root)
            try map.requireKnownKeys(["hooks"])
            var hooks: [HookDefinition] = []
            for node in try map.list("hooks") {
                let entry = try node.mapping(key: "hooks")
                try entry.requireKnownKeys(["name", "on", "shell", "script", "match", "timeout"])
                guard try entry.string("on") == "pre-tool-use" else {
                    throw .invalidValue(entry.location(of: "on"), "'on' must be pre-tool-use (the one event hooks run on)")
                }
                let command: HookDefinition.Command
                switch (try entry.optionalString("shell"), try entry.optionalString("script")) {
                case (let line?, nil): command = .shell(line)
                case (nil, let script?): command = .script(script)
                default: throw .invalidValue(node.location, "a hook has either 'shell' or 'script'")
                }
                var timeout = HookDefinition.defaultTimeout
                if let text = try entry.optionalString("timeout") {
                    guard let value = DurationValue(parsing: text), value.milliseconds > 0 else {
                        throw .invalidValue(entry.location(of: "timeout"), "'timeout' must be a duration above zero like 10s, found '\(text)'")
                    }
                    timeout = .milliseconds(value.milliseconds)
                }
                hooks.append(HookDefinition(name: try entry.string("name"), command: command,
                                            match: try entry.optionalString("match") ?? "*", timeout: timeout))
            }
            return ProfileHooks(hooks: hooks)
        } catch {
            throw .invalidFile(error)
        }
    }

    public func save(profile: String, configDirectory: String) throws(SystemError) {
        var text = "# Written by `ringlet hooks add|remove`.\nhooks:\n"
        for hook in hooks {
            text += "  - name: \(YAMLWriter.quote(hook.name))\n    on: pre-tool-use\n"
            switch hook.command {
            case .shell(let line): text += "    shell: \(YAMLWriter.quote(line))\n"
            case .script(let path): text += "    script: \(YAMLWriter.quote(path))\n"
            }
            text += "    match: \(YAMLWriter.quote(hook.match))\n    timeout: \(hook.timeoutText)\n"
        }
        if hooks.isEmpty { text = "# Written by `ringlet hooks add|remove`.\nhooks: []\n" }
        try AtomicFile.write(text, to: Self.path(of: profile, configDirectory: configDirectory), mode: 0o600)
    }
}
