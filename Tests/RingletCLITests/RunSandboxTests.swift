import Foundation
import RingletTestSupport
import Testing

/// `ringlet run --agent shell` as an attacker would use it: each case is a shell line run inside the
/// real sandbox (bubblewrap + the seccomp filter) that must fail in the stated way and leave the host
/// unchanged. These run as the CI user (root); the unprivileged run comes with the rest of the sandbox issue.
@Suite struct RunSandboxTests {
    /// A workspace (a git repository with hooks), a user HOME with secrets, and the built binary.
    struct World {
        let workspace: RingletWorkspace
        let project: String

        init() throws {
            workspace = try RingletWorkspace()
            project = try workspace.repository("project")
            try TemporaryDirectory.write("ssh key\n", to: workspace.home + "/.ssh/id_rsa")
            try TemporaryDirectory.write("github.com ssh-ed25519 AAAA\n", to: workspace.home + "/.ssh/known_hosts")
            try TemporaryDirectory.write("[default]\naws_secret_access_key = x\n", to: workspace.home + "/.aws/credentials")
            try TemporaryDirectory.write("other profile's history\n", to: workspace.home + "/data/homes/other/.bash_history")
            try TemporaryDirectory.write("#!/bin/sh\n", to: project + "/.git/hooks/pre-commit")
        }

        /// Runs `script` with bash inside the sandbox; `<home>` in it stands for the user's real HOME
        /// (written out, since the sandbox's environment is not the host's). Host variables are added to
        /// ringlet's environment.
        func sandboxed(_ script: String, environment: [String: String] = [:]) throws -> ProcessResult {
            let line = script.replacingOccurrences(of: "<home>", with: workspace.home)
            return try workspace.ringlet.run(["run", "--agent", "shell", "--", "-c", line], in: project, environment: environment)
        }
    }

    @Test(arguments: [
        ("cat ~/.ssh/id_rsa", "the user's ssh key"),
        ("cat <home>/.ssh/id_rsa", "the ssh key by its real path"),
        ("cat <home>/.aws/credentials", "cloud credentials"),
        ("cat <home>/data/homes/other/.bash_history", "another profile's home"),
        ("ls <home>/config", "ringlet's own configuration"),
    ])
    func secretsCannotBeRead(script: String, what: String) throws {
        let world = try World()
        let result = try world.sandboxed(script)
        #expect(result.status != 0, "\(what) was readable: \(result)")
        #expect(result.stderr.contains("No such file or directory") || result.stderr.contains("Permission denied"), "\(what): \(result)")
        #expect(!result.stdout.contains("ssh key") && !result.stdout.contains("aws_secret") && !result.stdout.contains("history"), "\(result)")
    }

    @Test func knownHostsStayReadable() throws {
        let world = try World()
        let result = try world.sandboxed("cat <home>/.ssh/known_hosts")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "github.com ssh-ed25519 AAAA\n")
    }

    @Test(arguments: [
        ("touch /etc/ringlet-escape", "/etc"),
        ("echo x >> .git/hooks/pre-commit", "an existing git hook"),
        ("echo x >> .git/config", "the repository's git config"),
        ("touch /usr/ringlet-escape", "/usr"),
    ])
    func writesOutsideTheWorkspaceFail(script: String, place: String) throws {
        let world = try World()
        let before = try String(contentsOfFile: world.project + "/.git/hooks/pre-commit", encoding: .utf8)
        let result = try world.sandboxed(script)
        #expect(result.status != 0, "writing \(place) worked: \(result)")
        #expect(result.stderr.contains("Read-only file system") || result.stderr.contains("Permission denied"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/ringlet-escape") && !FileManager.default.fileExists(atPath: world.workspace.home + "/escape"))
        #expect(try String(contentsOfFile: world.project + "/.git/hooks/pre-commit", encoding: .utf8) == before)
    }

    /// The tests' HOME lives under /tmp, which the sandbox replaces with a private tmpfs: a write there
    /// may succeed inside, but must never reach the host.
    @Test func writesToTheRealHomeNeverReachTheHost() throws {
        let world = try World()
        _ = try world.sandboxed("touch <home>/escape; echo x >> <home>/.ssh/known_hosts")
        #expect(!FileManager.default.fileExists(atPath: world.workspace.home + "/escape"))
        #expect(try String(contentsOfFile: world.workspace.home + "/.ssh/known_hosts", encoding: .utf8) == "github.com ssh-ed25519 AAAA\n")
    }

    @Test func theWorkspaceAndTheProfileHomeAreWritable() throws {
        let world = try World()
        let result = try world.sandboxed("echo made > result.txt && echo $HOME && touch \"$HOME/.bashrc\" && echo ok")
        #expect(result.status == 0, "\(result)")
        #expect(try String(contentsOfFile: world.project + "/result.txt", encoding: .utf8) == "made\n")
        #expect(result.stdout == "\(world.workspace.home)\nok\n", "HOME keeps its path")
        #expect(FileManager.default.fileExists(atPath: world.workspace.home + "/data/homes/shell/.bashrc"), "but it is the profile's home")
    }

    @Test func theRealHomeIsReplacedByTheProfilesHome() throws {
        let world = try World()
        try TemporaryDirectory.write("private notes\n", to: world.workspace.home + "/notes.txt")
        try TemporaryDirectory.write("agent state\n", to: world.workspace.home + "/data/homes/shell/state.txt")
        let result = try world.sandboxed("ls -A \"$HOME\"; cat <home>/notes.txt")
        #expect(result.stdout.contains("state.txt"), "\(result)")
        #expect(!result.stdout.contains("notes.txt") && !result.stdout.contains("private notes"), "\(result)")
        #expect(result.stderr.contains("No such file or directory"), "\(result)")
    }

    @Test func aMissingHooksFolderCannotBeCreated() throws {
        let world = try World()
        try FileManager.default.removeItem(atPath: world.project + "/.git/hooks")
        let result = try world.sandboxed("mkdir -p .git/hooks && echo 'curl evil' > .git/hooks/pre-commit")
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("Read-only file system"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: world.project + "/.git/hooks"), "the run's placeholder is gone again")
    }

    @Test func aWorkspaceWithoutGitCannotGrowARepositoryWithHooks() throws {
        let world = try World()
        let plain = try world.workspace.folder("plain")
        let result = try world.workspace.ringlet.run(["run", "--agent", "shell", "--", "-c", "git init -q . && echo initialised"], in: plain)
        #expect(result.status != 0 && !result.stdout.contains("initialised"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: plain).isEmpty, "nothing is left in the workspace")
    }

    @Test(arguments: [
        ("ln -s /etc/hostname out && echo x >> out", "a symlink to /etc"),
        ("ln -s <home>/.aws aws && cat aws/credentials", "a symlink to the real HOME's secrets"),
        ("ln -s <outside> out && touch out/escape", "a symlink to a folder outside the workspace"),
    ])
    func symlinksLeadNowhereOutside(script: String, what: String) throws {
        let world = try World()
        let outside = try world.workspace.folder("outside")
        let hostname = try String(contentsOfFile: "/etc/hostname", encoding: .utf8)
        let result = try world.sandboxed(script.replacingOccurrences(of: "<outside>", with: outside))
        #expect(result.status != 0, "\(what): \(result)")
        #expect(!result.stdout.contains("aws_secret"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/escape"))
        #expect(try String(contentsOfFile: "/etc/hostname", encoding: .utf8) == hostname)
    }

    @Test func onlySandboxProcessesAreVisibleAndHostProcessesCannotBeSignalled() throws {
        let world = try World()
        let result = try world.sandboxed("ls /proc | grep -c '^[0-9]'; kill -0 \(getpid()) 2>/dev/null && echo signalled || echo refused")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(result)")
        #expect((Int(lines.first ?? "") ?? 99) <= 5, "host processes are visible: \(result)")
        #expect(lines.last == "refused")
    }

    @Test func theEnvironmentHoldsNoHostSecrets() throws {
        let world = try World()
        let result = try world.sandboxed("env", environment: ["AWS_SECRET_ACCESS_KEY": "leak-1", "GITHUB_TOKEN": "leak-2", "RINGLET_PROBE": "leak-3"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("leak-"), "\(result.stdout)")
        #expect(result.stdout.contains("PATH="))
    }

    @Test func rawConnectionsAndDNSGoNowhere() throws {
        let world = try World()
        let script = "/usr/bin/python3 -c 'import socket\ns = socket.socket(); s.settimeout(5)\ntry:\n    s.connect((\"1.1.1.1\", 80)); print(\"connected\")\nexcept OSError as e:\n    print(\"refused\", e.errno)'; getent hosts example.com || echo no-dns"
        let result = try world.sandboxed(script)
        #expect(result.stdout.hasPrefix("refused"), "\(result)")
        #expect(result.stdout.hasSuffix("no-dns\n"), "\(result)")
    }

    /// The only way out is the proxy on 127.0.0.1:3128 inside: an allowed host (named exactly, as a
    /// host loopback service must be) answers through it, anything else gets the proxy's 403, and going
    /// around the proxy reaches nothing — not even the same host service.
    @Test func theProxyIsTheOnlyWayOut() throws {
        let world = try World()
        let site = try world.workspace.folder("site")
        try TemporaryDirectory.write("hello from the host\n", to: site + "/index.txt")
        let server = try HTTPFileServer(serving: site)
        defer { server.stop() }
        let script = """
        curl -s http://127.0.0.1:\(server.port)/index.txt; \
        curl -s -o /dev/null -w 'denied:%{http_code}\\n' http://example.com/; \
        curl -s --noproxy '*' -o /dev/null -w 'direct:%{http_code}\\n' --max-time 5 http://127.0.0.1:\(server.port)/index.txt; \
        echo "proxy=$HTTPS_PROXY"
        """
        let result = try world.workspace.ringlet.run(["run", "--agent", "shell", "--allow-domain", "127.0.0.1:\(server.port)", "--", "-c", script],
                                                     in: world.project)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "hello from the host\ndenied:403\ndirect:000\nproxy=http://127.0.0.1:3128\n", "\(result)")
        let log = try String(contentsOfFile: world.workspace.home + "/state/proxy.jsonl", encoding: .utf8)
        #expect(log.contains("\"host\":\"example.com\"") && log.contains("\"verdict\":\"denied\""), "\(log)")
        #expect(log.contains("\"verdict\":\"allowed\""), "\(log)")
    }

    @Test func udpGoesNowhere() throws {
        let world = try World()
        let script = "/usr/bin/python3 -c 'import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ntry:\n    s.sendto(b\"x\", (\"1.1.1.1\", 53)); print(\"sent\")\nexcept OSError as e:\n    print(\"refused\", e.errno)'"
        let result = try world.sandboxed(script)
        #expect(result.stdout == "refused \(ENETUNREACH)\n", "\(result)")
    }

    @Test func mountingIsRefused() throws {
        let world = try World()
        let result = try world.sandboxed("mount -t tmpfs none /tmp && echo mounted")
        #expect(result.status != 0 && !result.stdout.contains("mounted"), "\(result)")
    }

    /// Claude Code installed the npm way under a prefix in /tmp (which the sandbox replaces with its own):
    /// the prefix is bound, so the agent runs; its hook wiring in the profile's home stays read-only.
    @Test func anAgentInstalledUnderTmpRunsAndItsHookWiringIsReadOnly() throws {
        let world = try World()
        let prefix = try world.workspace.folder("npm-prefix")
        let cli = try TemporaryDirectory.write("#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c \"$last\"\n", to: prefix + "/lib/node_modules/@anthropic-ai/claude-code/cli.sh")
        chmod(cli, 0o755)
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: prefix + "/bin/claude", withDestinationPath: "../lib/node_modules/@anthropic-ai/claude-code/cli.sh")
        let wiring = try TemporaryDirectory.write("{\"hooks\": {}}\n", to: world.workspace.home + "/data/homes/claude/.claude/settings.json")
        let script = "echo running; echo '{}' > \"$HOME/.claude/settings.json\"; mkdir -p .claude && echo '{}' > .claude/settings.json; echo done"
        let result = try world.workspace.ringlet.run(["run", "--agent", "claude", "--", script], in: world.project,
                                                     environment: ["PATH": prefix + "/bin:/usr/bin:/bin"])
        #expect(result.stdout == "running\ndone\n", "\(result)")
        #expect(result.stderr.components(separatedBy: "Read-only file system").count == 3, "both wiring files refused: \(result)")
        #expect(try String(contentsOfFile: wiring, encoding: .utf8) == "{\"hooks\": {}}\n")
        #expect(!FileManager.default.fileExists(atPath: world.project + "/.claude"), "the placeholder is gone again")
    }

    @Test func theSeccompFilterIsInForce() throws {
        let world = try World()
        let result = try world.sandboxed("unshare -U true")
        #expect(result.status != 0)
        #expect(result.stderr.contains("Operation not permitted"), "\(result)")
    }

    @Test func theAgentsExitStatusIsRinglets() throws {
        let world = try World()
        #expect(try world.sandboxed("exit 42").status == 42)
        #expect(try world.sandboxed("true").status == 0)
    }

    @Test func runNeedsAnAgent() throws {
        let world = try World()
        let result = try world.workspace.ringlet.run(["run", "--", "true"], in: world.project)
        #expect(result.status == 2)
        #expect(result.stderr.contains("ringlet run needs --agent REF or --profile NAME"))
    }
}
