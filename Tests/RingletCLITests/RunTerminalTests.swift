import Foundation
import RingletTestSupport
import Testing

/// `ringlet run` on a real terminal: Python's pty module plays the user's terminal (sized, resized,
/// typed into), as a terminal emulator would, and reports what came out and how things ended.
@Suite struct RunTerminalTests {
    /// argv: rows columns steps… ringlet args…. Steps after `--steps` until `--`: `wait:TEXT` (read until
    /// TEXT appears), `resize:ROWSxCOLUMNS`, `type:HEX`. Prints the output, then `status N` and whether
    /// the terminal was left in cooked mode.
    static let driver = #"""
    import fcntl, os, pty, select, struct, sys, termios, time
    rows, columns = int(sys.argv[1]), int(sys.argv[2])
    split = sys.argv.index("--")
    steps, command = sys.argv[3:split], sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.execv(command[0], command)
    output = b""
    def read_until(text, seconds=60):
        global output
        deadline = time.time() + seconds
        while text.encode() not in output and time.time() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output += chunk
    for step in steps:
        kind, _, value = step.partition(":")
        if kind == "wait":
            read_until(value)
        elif kind == "resize":
            r, c = value.split("x")
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", int(r), int(c), 0, 0))
        elif kind == "type":
            os.write(fd, bytes.fromhex(value))
    read_until("\0never\0", 60)
    _, status = os.waitpid(pid, 0)
    mode = termios.tcgetattr(fd)
    cooked = bool(mode[3] & termios.ICANON) and bool(mode[3] & termios.ECHO)
    sys.stdout.write(output.decode("utf-8", "replace").replace("\r\n", "\n"))
    sys.stdout.write("\nstatus %d\ncooked %s\n" % (os.waitstatus_to_exitcode(status), cooked))
    """#

    let workspace: RingletWorkspace
    let project: String
    let driverPath: String

    init() throws {
        workspace = try RingletWorkspace()
        project = try workspace.repository("project")
        driverPath = try workspace.write("terminal-driver.py", Self.driver)
    }

    func drive(size: (Int, Int), steps: [String], script: String) throws -> ProcessResult {
        let arguments = [driverPath, String(size.0), String(size.1)] + steps
            + ["--", workspace.ringlet.path, "run", "--agent", "shell", "--", "-c", script]
        return try ProcessRunner.run("/usr/bin/python3", arguments, in: project,
                                     environment: ["RINGLET_HOME": workspace.home, "HOME": workspace.home, "LANG": "C.UTF-8",
                                                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm"])
    }

    @Test func theAgentGetsATerminalOfItsOwnSizedLikeTheUsers() throws {
        let result = try drive(size: (30, 90), steps: [], script: "stty size; test -t 0 && test -t 1 && echo terminal; echo done")
        #expect(result.stdout.contains("30 90\nterminal\ndone\n"), "\(result)")
        #expect(result.stdout.hasSuffix("status 0\ncooked True\n"), "the user's terminal is restored: \(result)")
    }

    @Test func resizesReachTheAgentAndControlCInterruptsIt() throws {
        let script = "trap 'stty size' WINCH; echo ready; while :; do sleep 0.1; done"
        let result = try drive(size: (24, 80), steps: ["wait:ready", "resize:50x132", "wait:50 132", "type:03"], script: script)
        #expect(result.stdout.contains("ready\n50 132\n"), "\(result)")
        #expect(result.stdout.hasSuffix("status 130\ncooked True\n"), "^C went through the agent's terminal: \(result)")
    }

    @Test func typedInputReachesTheAgent() throws {
        let result = try drive(size: (24, 80), steps: ["wait:name?", "type:" + Array("ringlet\r".utf8).map { String(format: "%02x", $0) }.joined()],
                               script: "echo name?; read name; echo \"hello $name\"")
        #expect(result.stdout.contains("hello ringlet\n"), "\(result)")
        #expect(result.stdout.hasSuffix("status 0\ncooked True\n"), "\(result)")
    }

    /// Input is recorded only when a layer asks (`audit: true`), since what a person types can be a password.
    @Test func anAuditPolicyRecordsInputTooAndOtherwiseNone() throws {
        let typed = "type:" + Array("ringlet\r".utf8).map { String(format: "%02x", $0) }.joined()
        let plain = try drive(size: (24, 80), steps: ["wait:name?", typed], script: "echo name?; read name; echo \"hello $name\"")
        #expect(plain.stdout.contains("hello ringlet\n"), "\(plain)")
        try "audit: true\n".write(toFile: project + "/egg.yaml", atomically: true, encoding: .utf8)
        let audited = try drive(size: (24, 80), steps: ["wait:name?", typed], script: "echo name?; read name; echo \"hello $name\"")
        #expect(audited.stdout.contains("hello ringlet\n"), "\(audited)")

        let folder = workspace.home + "/state/recordings"
        let recordings = try FileManager.default.contentsOfDirectory(atPath: folder).map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        #expect(recordings.count == 2)
        #expect(recordings.filter { $0.contains(#", "i", "#) }.count == 1, "only the audited session has input events")
        #expect(recordings.contains { $0.contains(#", "i", "ringlet\r"]"#) }, "\(recordings)")
        let explained = try succeed(try workspace.ringlet.run(["sandbox", "explain", "--agent", "shell"], in: project))
        #expect(explained.stdout.contains("audit (recordings keep input): true"), "\(explained)")
    }

    @Test func terminalInjectionIsRefused() throws {
        let script = "python3 -c 'import fcntl, termios\ntry:\n    fcntl.ioctl(0, termios.TIOCSTI, b\"x\"); print(\"injected\")\nexcept OSError as e:\n    print(\"refused\", e.errno)'"
        let result = try drive(size: (24, 80), steps: [], script: script)
        #expect(result.stdout.contains("refused 1\n"), "TIOCSTI fails with EPERM on the agent's terminal: \(result)")
    }

    /// The session is recorded as asciicast v2: Debian's asciinema plays it, and so does `sessions replay`.
    @Test func theSessionIsRecordedAndPlays() throws {
        let result = try drive(size: (30, 100), steps: [], script: "echo recorded-line; printf 'h\\303\\251llo w\\303\\266rld\\n'")
        #expect(result.stdout.contains("recorded-line\nhéllo wörld\n"), "\(result)")
        let listing = try workspace.ringlet.run(["sessions", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]], "\(listing)")
        #expect(rows.count == 1 && rows.first?["size"] as? String == "100x30", "\(listing)")
        let id = try #require(rows.first?["id"] as? String)
        let file = workspace.home + "/state/recordings/\(id).cast"
        // asciinema reads keys from /dev/tty even for cat: give it a terminal with script(1).
        let asciinema = try ProcessRunner.which("asciinema")
        let played = try ProcessRunner.run("/usr/bin/script", ["-qec", "\(asciinema) cat \(file)", "/dev/null"],
                                           environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": workspace.home])
        #expect(played.status == 0, "\(played)")
        #expect(played.stdout.replacingOccurrences(of: "\r\n", with: "\n").contains("recorded-line\nhéllo wörld\n"), "\(played)")
        let replayed = try workspace.ringlet.run(["sessions", "replay", id, "--speed", "50"])
        #expect(replayed.status == 0 && replayed.stdout.replacingOccurrences(of: "\r\n", with: "\n").contains("recorded-line\nhéllo wörld\n"),
                "\(replayed)")
        let missing = try workspace.ringlet.run(["sessions", "replay", "run-0"])
        #expect(missing.status == 1 && missing.stderr.contains("no session run-0"), "\(missing)")
    }

    @Test func pruneKeepsTheNewestWithinAgeAndSize() throws {
        let folder = workspace.home + "/state/recordings"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let header = "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
        for (name, age, size) in [("old", 40 * 86400, 10), ("mid", 3600, 300), ("new", 60, 300)] {
            let path = folder + "/run-\(name).cast"
            try (header + String(repeating: "x", count: size)).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -Double(age))], ofItemAtPath: path)
        }
        let byAge = try workspace.ringlet.run(["sessions", "prune", "--keep", "30d"])
        #expect(byAge.stdout.hasPrefix("removed 1 recording;"), "\(byAge)")
        let bySize = try workspace.ringlet.run(["sessions", "prune", "--max-size", "400"])
        #expect(bySize.status == 0, "\(bySize)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["run-new.cast"])
        let nothing = try workspace.ringlet.run(["sessions", "prune"])
        #expect(nothing.status == 2)
    }
}
