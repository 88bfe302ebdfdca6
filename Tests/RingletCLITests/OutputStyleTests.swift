import Foundation
import RingletTestSupport
import Testing

/// Colour only for a person at a terminal: a pseudo-terminal (Python's pty) gets it, a pipe and
/// NO_COLOR do not.
@Suite struct OutputStyleTests {
    static let driver = """
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        output = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.waitpid(pid, 0)
        sys.stdout.write(output.decode("utf-8", "replace"))
        """

    func onTerminal(_ workspace: RingletWorkspace, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let script = try workspace.write("pty-driver.py", Self.driver)
        var variables = ["RINGLET_HOME": workspace.home, "HOME": workspace.home, "LANG": "C.UTF-8", "TERM": "xterm",
                         "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        variables.merge(environment) { _, given in given }
        return try ProcessRunner.run("/usr/bin/python3", [script, workspace.ringlet.path] + arguments, environment: variables).stdout
    }

    @Test func doctorColoursItsVerdictsOnlyOnATerminalWithoutNoColor() throws {
        let workspace = try RingletWorkspace()
        #expect(try onTerminal(workspace, ["doctor"]).contains("\u{1B}[32mok\u{1B}[0m"))
        #expect(!(try onTerminal(workspace, ["doctor"], environment: ["NO_COLOR": "1"])).contains("\u{1B}["))
        #expect(!(try workspace.run("doctor").stdout.contains("\u{1B}[")))
    }
}
