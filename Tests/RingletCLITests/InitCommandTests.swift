import Foundation
import RingletTestSupport
import Testing

/// `ringlet init` as a new user meets it: a fake `claude` on PATH stands for an installed Claude Code.
@Suite struct InitCommandTests {
    let workspace: RingletWorkspace
    let bin: String
    let project: String

    init() throws {
        workspace = try RingletWorkspace()
        bin = try workspace.folder("bin")
        project = try workspace.folder("project")
        try "#!/bin/sh\necho fake claude\n".write(toFile: bin + "/claude", atomically: true, encoding: .utf8)
        chmod(bin + "/claude", 0o755)
        try succeed(try workspace.run("config", "set", "credentials.backend", "file"))
    }

    var path: String { bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    @Test func withYesItTakesTheInstalledAgentAndTheKeyFromTheEnvironment() throws {
        let result = try workspace.run(["init", "--yes", "--api-key-env", "ANTHROPIC_KEY_FOR_TEST", "--egg"], in: project,
                                       environment: ["PATH": path, "ANTHROPIC_KEY_FOR_TEST": "sk-ant-test-0123456789"])
        expect(result, exit: Exit.ok, stdout: ["agents found on PATH: claude (\(bin)/claude), shell", "created profile claude", "ringlet profiles run claude"])
        let profile = try succeed(try workspace.run("profiles", "inspect", "claude", "--json")).jsonObject()
        #expect(profile["provider"] as? String == "anthropic" && (profile["workspace"] as? String)?.hasSuffix("/project") == true, "\(profile)")
        #expect(try String(contentsOfFile: workspace.home + "/config/credentials.yaml", encoding: .utf8).contains("sk-ant-test-0123456789"))
        #expect(FileManager.default.fileExists(atPath: project + "/egg.yaml"))
    }

    @Test func withYesAndNoKeyItFailsAndCreatesNothing() throws {
        let result = try workspace.run(["init", "--yes"], in: project, environment: ["PATH": path])
        expect(result, exit: Exit.usage, stderr: ["anthropic needs a key: pass --api-key-env VAR"])
        #expect(!FileManager.default.fileExists(atPath: workspace.home + "/config/profiles/claude.yaml"))
    }

    /// On a terminal it asks; the key is typed with echo off, so it never appears in what the terminal shows.
    @Test func onATerminalItAsksAndTheKeyIsNotEchoed() throws {
        let driver = """
            import os, pty, select, sys, time
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            output = b""
            def until(text):
                global output
                deadline = time.time() + 60
                while text.encode() not in output and time.time() < deadline:
                    if select.select([fd], [], [], 0.2)[0]:
                        try:
                            output += os.read(fd, 4096)
                        except OSError:
                            return
            for prompt, answer in [("template [", "claude-anthropic"), ("profile name [", "work"), ("API key", "sk-ant-typed-987654321"), ("egg.yaml", "y")]:
                until(prompt)
                os.write(fd, (answer + "\\n").encode())
            until("\\0never")
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(output.decode("utf-8", "replace") + "\\nstatus %d\\n" % os.waitstatus_to_exitcode(status))
            """
        let script = try workspace.write("init-driver.py", driver)
        let result = try ProcessRunner.run("/usr/bin/python3", [script, workspace.ringlet.path, "init"], in: project, environment: [
            "RINGLET_HOME": workspace.home, "HOME": workspace.home, "LANG": "C.UTF-8", "PATH": path, "TERM": "xterm",
        ])
        #expect(result.stdout.contains("created profile work") && result.stdout.hasSuffix("status 0\n"), "\(result)")
        #expect(!result.stdout.contains("sk-ant-typed-987654321"), "the key was echoed: \(result.stdout)")
        #expect(try String(contentsOfFile: workspace.home + "/config/credentials.yaml", encoding: .utf8).contains("sk-ant-typed-987654321"))
        #expect(FileManager.default.fileExists(atPath: project + "/egg.yaml"))
    }
}
