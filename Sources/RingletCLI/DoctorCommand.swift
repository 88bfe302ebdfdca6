import Glibc
import RingletSandbox
import RingletSystem

/// `ringlet doctor`: whether this machine can run sandboxes, each check with what to do when it fails.
enum DoctorCommand {
    struct Check: Encodable {
        var name: String
        var ok: Bool
        var detail: String
        /// What to do about a failure; empty when the check passed.
        var fix: String
    }

    static let command = Command(
        "doctor", summary: "check bubblewrap, user namespaces, seccomp, resource limits, the socket folder, registries and the daemon",
        discussion: """
        Exits 1 when something is missing or wrong; each failing line says what to do. Registries are checked
        as fetched (their cached content must verify; `ringlet registry update` fetches again); the daemon's
        token file must be 0600; a running daemon must answer /health, else port 8765 must be free;
        --tls-cert and --tls-key check the files the daemon would serve.
        """,
        options: [Command.jsonOption, .init("tls-cert", value: "PEM", help: "check this certificate chain"),
                  .init("tls-key", value: "PEM", help: "check this private key against the certificate")]
    ) { (invocation) throws(CLIError) in
        let directory = invocation.context.workingDirectory
        let checks = run(invocation.context) + registryChecks(invocation.context)
            + daemonChecks(invocation.context, certificate: invocation.value("tls-cert").map { PolicyRequest.absolute($0, from: directory) },
                           key: invocation.value("tls-key").map { PolicyRequest.absolute($0, from: directory) })
        if invocation.json {
            try JSONOutput.print(checks)
        } else {
            var table = TextTable(["CHECK", "", "DETAIL"])
            for check in checks { table.add([check.name, check.ok ? Style.good("ok") : Style.bad("FAIL"), check.ok ? check.detail : "\(check.detail) — \(check.fix)"]) }
            Console.out(table.text)
        }
        return checks.allSatisfy(\.ok) ? .success : .failure
    }

    static func run(_ context: CLIContext) -> [Check] {
        var checks: [Check] = []
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        checks.append(Check(name: "kernel", ok: true, detail: "Linux \(release)", fix: ""))

        let version = try? Subprocess("bwrap", ["--version"], timeout: .seconds(10)).run()
        let hasBwrap = version?.status == 0
        checks.append(Check(name: "bubblewrap", ok: hasBwrap, detail: hasBwrap ? version!.stdoutText.firstLine : "bwrap not found",
                            fix: "install it: apt-get install bubblewrap"))

        let namespaces = hasBwrap ? try? Subprocess("bwrap", ["--ro-bind", "/", "/", "--unshare-user", "--unshare-net", "--unshare-pid", "true"],
                                                   timeout: .seconds(20)).run() : nil
        checks.append(Check(name: "user namespaces", ok: namespaces?.status == 0,
                            detail: namespaces?.status == 0 ? "bwrap can create user, network and PID namespaces" : (namespaces?.stderrText.firstLine ?? "not tried"),
                            fix: "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap)"))

        var seccomp = Check(name: "seccomp", ok: false, detail: "", fix: "install libseccomp2 and use a kernel built with CONFIG_SECCOMP_FILTER")
        do throws(SandboxError) {
            var probe = Subprocess("bwrap", ["--ro-bind", "/", "/", "--unshare-user", "--seccomp", "3", "true"], timeout: .seconds(20))
            probe.passing = [3: try SeccompFilter.export()]
            let result = try? probe.run()
            seccomp.ok = result?.status == 0
            seccomp.detail = seccomp.ok ? "the filter loads into bwrap" : (result?.stderrText.firstLine ?? "bwrap did not run")
        } catch {
            seccomp.detail = error.description
        }
        checks.append(seccomp)


        let sessions = context.directories.runtime + "/sessions"
        var folder = Check(name: "socket folder", ok: true, detail: sessions + " (0700)", fix: "")
        do throws(SystemError) {
            try Directory.create(sessions, mode: 0o700)
        } catch {
            folder = Check(name: "socket folder", ok: false, detail: error.description, fix: "make XDG_RUNTIME_DIR (or RINGLET_HOME) point at a writable folder")
        }
        checks.append(folder)

        checks.append(limitsCheck())
        return checks
    }
}

extension DoctorCommand {
    /// Which mechanism holds memory and process limits here; rlimits alone leave root without a process limit.
    static func limitsCheck() -> Check {
        let fix = "delegate a cgroup v2 subtree with memory and pids to your user (systemd: Delegate=yes), or run as a normal user; until then runs with --max-pids need --allow-degraded"
        switch ResourceLimits.bestMechanism() {
        case .cgroup(let version):
            return Check(name: "resource limits", ok: true, detail: "\(version.rawValue): memory and process limits hold for the whole sandbox", fix: "")
        case .systemdScope:
            return Check(name: "resource limits", ok: true, detail: "systemd user scope: memory and process limits hold for the whole sandbox", fix: "")
        case .rlimits:
            let detail = "rlimits only: memory applies per process, processes count per user"
            guard getuid() == 0 else { return Check(name: "resource limits", ok: true, detail: detail, fix: "") }
            return Check(name: "resource limits", ok: false, detail: detail + "; RLIMIT_NPROC does not bind root", fix: fix)
        }
    }
}

extension String {
    /// The first non-empty line, trimmed, for one-line report cells.
    var firstLine: String {
        split(separator: "\n").first.map { String($0).trimmingWhitespace } ?? ""
    }
}
