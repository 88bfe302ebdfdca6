import Foundation
import RingletManifest
@testable import RingletPolicy
import Testing

/// Layer 1, the built-in defaults, on a user's machine in a temporary folder, alone and under the
/// layers that try to widen it.
@Suite struct DefaultPolicyTests {
    static let agentYAML = """
        kind: agent
        schema: 1
        id: claude
        version: 2.1.0
        binary:
          name: claude
        home:
          config_dirs: [.claude]
          writable_files: [.claude.json]
        install_roots: [~/.local/share/claude]
        hooks:
          adapter: claude-settings
        """

    static func agent() throws -> AgentManifest {
        guard case .agent(let manifest) = try Manifest.decode(Array(agentYAML.utf8), file: "claude.yaml") else {
            throw PolicyError.invalidRule(nil, "not an agent")
        }
        return manifest
    }

    @Test func workspaceAndProfileHomeAreWritableAndTheHostReadable() throws {
        let world = try PolicyWorld()
        let policy = PolicyComposer.compose([world.defaults()])
        #expect(policy.access(world.workspace) == .write)
        #expect(policy.access(world.workspace + "/Sources/main.swift") == .write)
        #expect(policy.access(world.profileHome) == .write)
        #expect(policy.access(world.profileHome + "/.cache/x") == .write)
        #expect(policy.access("/etc/passwd") == .read)
        #expect(policy.access("/usr/bin/env") == .read)
        #expect(policy.access(world.userHome + "/Documents/notes.txt") == .read)
        #expect(policy.passThrough.map(\.name) == DefaultPolicy.environment)
        #expect(policy.network.isEmpty)
    }

    @Test(arguments: DefaultPolicy.secrets)
    func everySecretIsDeniedAndProtected(_ secret: String) throws {
        let world = try PolicyWorld()
        let policy = PolicyComposer.compose([world.defaults()])
        let path = world.userHome + "/" + secret
        let decision = policy.decide(path: path)
        #expect(decision.access == .none)
        #expect(decision.decidedBy?.isProtected == true)
        #expect(policy.access(path + "/inside") == .none)
    }

    @Test func theIssuesListOfSecretsIsCovered() {
        for secret in [".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".config/gh", ".kube", ".docker", ".netrc",
                       ".git-credentials", ".npmrc", ".pypirc", ".bash_history", ".zsh_history"] {
            #expect(DefaultPolicy.secrets.contains(secret), "\(secret)")
        }
    }

    @Test func knownHostsStaysReadableInsideTheDeniedSSHFolder() throws {
        let world = try PolicyWorld()
        let policy = PolicyComposer.compose([world.defaults()])
        #expect(policy.access(world.userHome + "/.ssh/known_hosts") == .read)
        #expect(policy.access(world.userHome + "/.ssh/id_ed25519") == .none)
        #expect(policy.access(world.userHome + "/.ssh") == .none)
    }

    @Test func otherProfilesHomesAndRingletsOwnFilesAreDenied() throws {
        let world = try PolicyWorld(profile: "work")
        let policy = PolicyComposer.compose([world.defaults()])
        let homes = world.directories.data + "/homes"
        #expect(policy.access(homes + "/work/.bashrc") == .write)
        #expect(policy.access(homes + "/other/.bashrc") == .none)
        #expect(policy.access(homes + "/work2/.bashrc") == .none, "a name that merely starts like this profile's")
        #expect(policy.access(homes) == .none)
        for folder in [world.directories.config + "/http_token", world.directories.config + "/credentials.yaml",
                       world.directories.state + "/audit.db", world.directories.runtime + "/proxy.sock"] {
            let decision = policy.decide(path: folder)
            #expect(decision.access == .none, "\(folder)")
            #expect(decision.decidedBy?.isProtected == true, "\(folder)")
        }
    }

    @Test(arguments: [".git/hooks/pre-commit", ".git/config", ".claude/settings.json", ".claude/settings.local.json"])
    func hookWiringIsReadOnlyAndProtected(_ relative: String) throws {
        let world = try PolicyWorld()
        let policy = PolicyComposer.compose([world.defaults(.claudeSettings)])
        let inWorkspace = policy.decide(path: world.workspace + "/" + relative)
        #expect(inWorkspace.access == .read)
        #expect(inWorkspace.decidedBy?.isProtected == true)
        #expect(policy.access(world.workspace + "/.git/HEAD") == .write)
        if relative.hasPrefix(".claude") {
            let inHome = policy.decide(path: world.profileHome + "/" + relative)
            #expect(inHome.access == .read)
            #expect(inHome.decidedBy?.isProtected == true)
        }
        // An egg cannot make it writable again, not even with allow-override.
        let egg = try world.egg("fs: [rw:\(relative)]\nallow-override: [rw:\(relative)]\n")
        #expect(PolicyComposer.compose([world.defaults(.claudeSettings)] + egg).access(world.workspace + "/" + relative) == .read)
    }

    @Test func withoutTheClaudeAdapterItsSettingsAreOrdinaryFiles() throws {
        let world = try PolicyWorld()
        #expect(PolicyComposer.compose([world.defaults()]).access(world.workspace + "/.claude/settings.json") == .write)
    }

    @Test func allowOverrideInAnEggDoesNotLiftTheSSHDenialButTheDangerousFlagDoes() throws {
        let world = try PolicyWorld()
        let egg = try world.egg("fs:\n  - rw:~/.ssh\nallow-override:\n  - rw:~/.ssh\n")
        let key = world.userHome + "/.ssh/id_ed25519"
        let withEgg = PolicyComposer.compose([world.defaults()] + egg)
        #expect(withEgg.access(key) == .none)
        #expect(withEgg.decide(path: key).lifted.isEmpty)

        var flags = PolicyFlags()
        flags.dangerousAllow = ["~/.ssh"]
        let dangerous = try flags.layer(workingDirectory: world.workspace, resolver: world.context.resolver)
        let lifted = PolicyComposer.compose([world.defaults()] + egg + [dangerous])
        #expect(lifted.access(key) == .write)
        #expect(lifted.decide(path: key).lifted.map(\.path) == [world.userHome + "/.ssh"])
        #expect(lifted.access(world.userHome + "/.aws/credentials") == .none, "only the named path is lifted")
        // `explain` flags it: a warning names the flag and the path it lifted.
        #expect(lifted.warnings.contains { $0.contains("--i-know-what-im-doing-allow ~/.ssh") && $0.contains("rw:\(world.userHome)/.ssh") })
        #expect(lifted.fileReport.contains { $0.status == .override(liftsProtected: true) })
    }

    @Test func anEggNarrowsTheDefaults() throws {
        let world = try PolicyWorld()
        let egg = try world.egg("fs:\n  - deny-write:.\n  - deny:/etc\n")
        let policy = PolicyComposer.compose([world.defaults()] + egg)
        #expect(policy.access(world.workspace + "/main.swift") == .read)
        #expect(policy.access("/etc/passwd") == .none)
        #expect(policy.access(world.profileHome + "/x") == .write)
    }

    @Test func theAgentsConfigInsideTheProfileHomeIsWritable() throws {
        let world = try PolicyWorld()
        let agentLayer = ManifestLayers.agent(try Self.agent(), file: "builtin:agents/claude/2.1.0.yaml", context: world.context)
        let policy = PolicyComposer.compose([world.defaults(.claudeSettings), agentLayer])
        let config = policy.decide(path: world.profileHome + "/.claude/projects/x.jsonl")
        #expect(config.access == .write)
        #expect(config.cappedBy == nil)
        #expect(policy.access(world.profileHome + "/.claude.json") == .write)
        #expect(policy.access(world.profileHome + "/.claude/settings.json") == .read, "the hook wiring stays read-only")
        #expect(policy.access(world.userHome + "/.local/share/claude/versions/2.1.0") == .read)
        // The same folder in another profile's HOME stays denied.
        #expect(policy.access(world.directories.data + "/homes/other/.claude/x") == .none)
    }

    /// `base: none` leaves the defaults out but keeps the protected denials, among them Ringlet's homes
    /// folder. This profile's own HOME is where the agent manifest puts its config: that must stay usable.
    @Test func baseNoneKeepsTheSecretsDenied() throws {
        let world = try PolicyWorld()
        let agentLayer = ManifestLayers.agent(try Self.agent(), file: "builtin:agents/claude/2.1.0.yaml", context: world.context)
        let egg = try world.egg("base: none\nfs: [ro:.]\n")
        let policy = PolicyComposer.compose([world.defaults(.claudeSettings), agentLayer] + egg)
        #expect(policy.access("/etc/passwd") == .none)
        #expect(policy.access(world.workspace + "/main.swift") == .read)
        // The protections' own exceptions stay with them (known_hosts inside the denied ~/.ssh).
        #expect(policy.access(world.userHome + "/.ssh/known_hosts") == .read)
        #expect(policy.access(world.userHome + "/.ssh/id_rsa") == .none)
        #expect(policy.access(world.userHome + "/.aws/credentials") == .none)
        #expect(policy.access(world.directories.data + "/homes/other/x") == .none)
        #expect(policy.access(world.workspace + "/.git/config") == .read)
        #expect(policy.passThrough.isEmpty)
        #expect(policy.access(world.profileHome + "/.claude/x") == .write)
    }

    /// Secrets are compared after symlinks are resolved (issue 3: "paths are normalized … before
    /// comparison"); dotfile managers commonly make `~/.aws` a link into a dotfiles folder.
    @Test func aSymlinkedSecretFolderIsDeniedWhereItReallyIs() throws {
        let world = try PolicyWorld()
        try FileManager.default.removeItem(atPath: world.userHome + "/.aws")
        try makeFolder(world.userHome + "/dotfiles/aws")
        try world.temporary.write("home/user/dotfiles/aws/credentials", "[default]\n")
        try makeSymlink(world.userHome + "/.aws", to: world.userHome + "/dotfiles/aws")
        let policy = PolicyComposer.compose([world.defaults()])
        let asChecked = try world.context.resolver.resolve("~/.aws/credentials", relativeTo: world.workspace).get()
        #expect(asChecked == world.userHome + "/dotfiles/aws/credentials")
        #expect(policy.access(asChecked) == .none)
    }
}
