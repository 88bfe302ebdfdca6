import RingletManifest

/// Layer 1: what every sandbox starts from, before any manifest or egg.yaml says anything.
///
/// The workspace and the profile's HOME are writable and the rest of the host is read-only, except
/// what must never be seen (credentials, shell histories, other profiles' homes, Ringlet's own
/// config and state) and what must never be changed (git hooks and config, the agent's hook wiring).
/// Those protections are `isProtected`: no egg.yaml can lift them, only `--i-know-what-im-doing-allow`.
public enum DefaultPolicy {
    /// Under the user's real HOME; denied outright.
    public static let secrets = [
        ".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".config/gh", ".kube", ".docker", ".netrc",
        ".git-credentials", ".npmrc", ".pypirc", ".bash_history", ".zsh_history", ".python_history",
        ".node_repl_history", ".psql_history", ".mysql_history", ".sqlite_history", ".lesshst",
        ".local/share/fish/fish_history",
    ]

    public static let environment = ["PATH", "HOME", "TERM", "LANG", "LC_*", "USER", "SHELL", "TZ"]

    public static func layer(_ context: PolicyContext, hookAdapter: AgentManifest.HookAdapter = .none) -> PolicyLayer {
        var layer = PolicyLayer(kind: .defaults, label: "built-in defaults")
        let origin = RuleOrigin(layer: .defaults, label: "built-in defaults")
        // Canonical paths: with ~/.aws a symlink to ~/dotfiles/aws, the denial must cover where it leads.
        func add(_ access: EggPolicy.Access, _ path: String, protected: Bool = false) {
            let canonical = PathResolver.canonical(PathResolver.normalize(path))
            layer.fileRules.append(.init(access, canonical, written: path, origin: origin, isProtected: protected))
        }
        add(.ro, "/")
        add(.rw, context.workspace)
        add(.rw, context.profileHome)
        for secret in secrets { add(.deny, context.userHome + "/" + secret, protected: true) }
        add(.ro, context.userHome + "/.ssh/known_hosts")
        // Ringlet's own files: credentials, the daemon token, the audit log, every profile's home.
        for directory in [context.directories.config, context.directories.state, context.directories.data + "/homes",
                          context.directories.runtime] {
            add(.deny, directory, protected: true)
        }
        add(.denyWrite, context.workspace + "/.git/hooks", protected: true)
        add(.denyWrite, context.workspace + "/.git/config", protected: true)
        for file in hookAdapter.wiringFiles {
            add(.denyWrite, context.profileHome + "/" + file, protected: true)
            add(.denyWrite, context.workspace + "/" + file, protected: true)
        }
        layer.environment = environment.map { .init(name: $0, value: nil, origin: origin) }
        return layer
    }
}
