import RingletSystem

/// `ringlet daemon install-service`: the daemon as a systemd user service, with the path of this ringlet
/// and the daemon options given, so it starts at login and comes back after a crash. `KillMode=process`
/// because sessions live in hosts of their own that must outlive a daemon restart.
enum ServiceUnit {
    static let name = "ringlet.service"

    static func text(executable: String, arguments: [String]) -> String {
        let command = ([executable, "daemon"] + arguments).map(quoted).joined(separator: " ")
        return """
        # Written by `ringlet daemon install-service`; run it again to change the options.
        [Unit]
        Description=Ringlet daemon: AI coding agents in a sandbox, driven from anywhere
        After=network-online.target

        [Service]
        Type=simple
        ExecStart=\(command)
        Restart=on-failure
        RestartSec=2
        # Sessions live in session hosts of their own; only the daemon is stopped, and the next one finds them.
        KillMode=process

        [Install]
        WantedBy=default.target

        """
    }

    /// systemd's quoting for ExecStart: a word with spaces, quotes, backslashes or % goes in double quotes
    /// with those escaped (% doubled, since systemd expands specifiers).
    static func quoted(_ word: String) -> String {
        let escaped = word.replacing("%", with: "%%")
        guard escaped.isEmpty || escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "'" || $0 == "\t" }) else { return escaped }
        return "\"" + escaped.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    static let command = Command(
        "install-service", summary: "write a systemd user unit for the daemon and enable it",
        discussion: """
        Writes ~/.config/systemd/user/ringlet.service (XDG_CONFIG_HOME honoured) running this ringlet with the
        daemon options given after --, e.g. `ringlet daemon install-service -- --listen 0.0.0.0:8765 --tls-cert
        cert.pem --tls-key key.pem` (relative paths of files that exist are made absolute), then runs `systemctl --user daemon-reload` and `enable --now`. Without a
        systemd user instance (containers, WSL without systemd) the unit is written and the command says how to
        start the daemon instead. `loginctl enable-linger $USER` keeps it running while you are logged out.
        """,
        options: [.init("no-enable", help: "only write the unit")],
        arguments: [.init("OPTIONS", optional: true, variadic: true, help: "daemon options for the unit (after --)")]
    ) { (invocation) throws(CLIError) in
        if invocation.arguments.contains("--stay-alive") {
            throw .usage("--stay-alive is for a terminal; systemd keeps the service running", usage: invocation.usage)
        }
        let executable = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let configHome = Environment.value("XDG_CONFIG_HOME").flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (Environment.value("HOME") ?? "/") + "/.config"
        let folder = configHome + "/systemd/user"
        let path = folder + "/" + name
        do throws(SystemError) {
            try Directory.create(folder, mode: 0o755)
            try AtomicFile.write(text(executable: executable, arguments: invocation.arguments.map {
                $0.hasPrefix("-") || !FileStatus.of(PolicyRequest.absolute($0, from: invocation.context.workingDirectory)).exists
                    ? $0 : PolicyRequest.absolute($0, from: invocation.context.workingDirectory)
            }), to: path, mode: 0o644)
        } catch {
            throw .failed("cannot write \(path): \(error)")
        }
        Console.out("wrote \(path)")
        if invocation.flag("no-enable") {
            Console.out("enable it with: systemctl --user daemon-reload && systemctl --user enable --now ringlet")
            return .success
        }
        for arguments in [["--user", "daemon-reload"], ["--user", "enable", "--now", "ringlet"]] {
            let result: Subprocess.Result
            do throws(SystemError) { result = try Subprocess("systemctl", arguments, timeout: .seconds(60)).run() } catch {
                throw .failed("cannot run systemctl (\(error)); start the daemon with `ringlet daemon --stay-alive` instead")
            }
            guard result.status == 0 else {
                throw .failed("systemctl \(arguments.joined(separator: " ")) failed: \(result.stderrText.trimmingWhitespace)\n"
                    + "the unit is written; where there is no systemd user instance, start the daemon with `ringlet daemon --stay-alive`")
            }
        }
        Console.out("enabled and started ringlet.service; `systemctl --user status ringlet` shows it")
        return .success
    }
}
