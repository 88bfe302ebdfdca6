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

    @Test func passedDescriptorsLandAtTheirNumbersEvenWhenTheyCollide() throws {
        let folder = try TemporaryDirectory()
        try folder.write("a", "A")
        try folder.write("b", "B")
        let a = try FileDescriptor.open(folder.file("a"), flags: O_RDONLY)
        let b = try FileDescriptor.open(folder.file("b"), flags: O_RDONLY)
        // Each sits at the number the other must go to: a naive dup2 sequence hands both to the same file.
        // (High numbers, since tests run in parallel in this process and must not clobber each other's.)
        #expect(dup2(a.rawValue, 1001) == 1001 && dup2(b.rawValue, 1000) == 1000)
        let aAt1001 = FileDescriptor(adopting: 1001), bAt1000 = FileDescriptor(adopting: 1000)
        var process = Subprocess("bash", ["-c", "cat <&1000; cat <&1001"])
        process.passing = [1000: aAt1001, 1001: bAt1000]
        #expect(try process.run().stdoutText == "AB")
        #expect(fcntl(1001, F_GETFD) >= 0, "the parent's descriptors stay open")
    }
}
