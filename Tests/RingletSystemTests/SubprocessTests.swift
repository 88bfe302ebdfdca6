import Glibc
import RingletSystem
import RingletTestSupport
import Testing

@Suite struct SubprocessTests {
    @Test func capturesStdoutStderrAndStatus() throws {
        let result = try Subprocess("sh", ["-c", "echo out; echo err >&2; exit 7"]).run()
        #expect(result.status == 7)
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
    }

    @Test func reportsDeathBySignalAsShellsDo() throws {
        let result = try Subprocess("sh", ["-c", "kill -TERM $$"]).run()
        #expect(result.status == 128 + SIGTERM)
    }

    @Test func drainsLargeOutputOnBothStreamsWithoutDeadlock() throws {
        let script = "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"
        let result = try Subprocess("sh", ["-c", script]).run()
        #expect(result.stdout.count == 3_000_000)
        #expect(result.stderr.count == 3_000_000)
    }

    @Test func boundsCapturedOutput() throws {
        let result = try Subprocess("sh", ["-c", "head -c 100000 /dev/zero"], outputLimit: 1000).run()
        #expect(result.stdout.count == 1000)
        #expect(result.status == 0)
    }

    @Test func runsInTheWorkingDirectoryWithAddedEnvironment() throws {
        let folder = try TemporaryDirectory()
        let result = try Subprocess("sh", ["-c", "pwd; echo $RINGLET_PROBE"], workingDirectory: folder.path,
                                    environment: ["RINGLET_PROBE": "42"]).run()
        #expect(result.stdoutText == "\(FileStatus.realPath(folder.path)!)\n42\n")
    }

    @Test func stdinIsClosedSoAPromptCannotStall() throws {
        let result = try Subprocess("sh", ["-c", "read line; echo \"got:$line\""]).run()
        #expect(result.stdoutText == "got:\n")
    }

    @Test func killsAChildThatOutlivesTheTimeout() {
        #expect(throws: SystemError.call(operation: "run sleep (no answer in time)", path: nil, errno: ETIMEDOUT)) {
            try Subprocess("sleep", ["30"], timeout: .milliseconds(200)).run()
        }
    }

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: SystemError.spawn(program: "ringlet-no-such-program", errno: ENOENT)) {
            try Subprocess("ringlet-no-such-program", []).run()
        }
        #expect(SystemError.spawn(program: "x", errno: ENOENT).description == "cannot run 'x': not found on PATH; install it and try again")
    }
}
