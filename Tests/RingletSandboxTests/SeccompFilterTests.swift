import Glibc
import RingletSandbox
import RingletSystem
import RingletTestSupport
import Testing

#if arch(x86_64)
/// System-call numbers below are x86-64's.
///
/// The filter is proven the only way that counts: real processes under bubblewrap with `--seccomp`,
/// making the calls the filter must refuse, and reporting the errno they got.
@Suite struct SeccompFilterTests {
    static let python = "/usr/bin/python3"

    /// Runs `script` with sh inside bwrap, with the filter (or without, to show the call itself works).
    private func sandboxed(_ script: String, filtered: Bool = true) throws -> Subprocess.Result {
        var arguments = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--die-with-parent"]
        var process = Subprocess("bwrap", [])
        if filtered {
            process.passing = [3: try SeccompFilter.export()]
            arguments += ["--seccomp", "3"]
        }
        process.arguments = arguments + ["--", "/bin/sh", "-c", script]
        process.timeout = .seconds(60)
        return try process.run()
    }

    /// A Python line that makes one raw system call and prints the errno it failed with (0 when it worked).
    private func syscallErrno(_ number: Int, _ arguments: [String]) -> String {
        let call = "ctypes.CDLL(None, use_errno=True).syscall(\(([String(number)] + arguments).joined(separator: ", ")))"
        return "\(Self.python) -c 'import ctypes; r = \(call); print(ctypes.get_errno() if r == -1 else 0)'"
    }

    @Test func ordinaryWorkStillRuns() throws {
        let result = try sandboxed("echo hello; ls / >/dev/null && \(Self.python) -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM); socket.socket(socket.AF_UNIX); print(\"sockets ok\")'")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "hello\nsockets ok\n")
    }

    @Test(arguments: [
        ("AF_PACKET", "socket.AF_PACKET, socket.SOCK_RAW"),
        ("AF_VSOCK", "40, socket.SOCK_STREAM"),
        ("AF_BLUETOOTH", "31, socket.SOCK_STREAM"),
        ("AF_ALG", "38, socket.SOCK_SEQPACKET"),
    ])
    func otherSocketFamiliesAreRefused(name: String, arguments: String) throws {
        let script = "\(Self.python) -c 'import socket\ntry:\n    socket.socket(\(arguments)); print(0)\nexcept OSError as e:\n    print(e.errno)'"
        let result = try sandboxed(script)
        #expect(result.stdoutText == "\(EAFNOSUPPORT)\n", "\(name): \(result.stdoutText) \(result.stderrText)")
    }

    @Test func highBitsInTheFamilyDoNotBypassTheFilter() throws {
        // socket(2) with AF_PACKET in the low 32 bits and garbage above: the kernel would read AF_PACKET.
        let result = try sandboxed(syscallErrno(41, ["ctypes.c_long((1 << 32) | 17)", "3", "0"]))
        #expect(result.stdoutText == "\(EAFNOSUPPORT)\n", "\(result.stderrText)")
    }

    @Test(arguments: [
        ("unshare", 272, ["0x10000000"], EPERM),
        ("bpf", 321, ["0", "0", "0"], EPERM),
        ("keyctl", 250, ["0", "0"], EPERM),
        ("io_uring_setup", 425, ["1", "0"], EPERM),
        ("userfaultfd", 323, ["0"], EPERM),
        ("perf_event_open", 298, ["0", "0", "-1", "-1", "0"], EPERM),
        ("ptrace", 101, ["0", "0", "0", "0"], EPERM),
        ("clone3", 435, ["0", "0"], ENOSYS),
        ("fsopen", 430, ["0", "0"], ENOSYS),
        ("personality", 135, ["0x0400000"], EPERM),
        ("ioctl TIOCSTI", 16, ["0", String(TIOCSTI), "0"], EPERM),
        ("clone(CLONE_NEWUSER)", 56, [String(0x1000_0000 | SIGCHLD), "0", "0", "0", "0"], EPERM),
    ])
    func escapeCallsAreRefused(name: String, number: Int, arguments: [String], expected: Int32) throws {
        let result = try sandboxed(syscallErrno(number, arguments))
        #expect(result.stdoutText == "\(expected)\n", "\(name): got \(result.stdoutText) \(result.stderrText)")
    }

    @Test func theRefusalsAreTheFiltersNotTheKernels() throws {
        // Without the filter the same ioctl on /dev/null fails differently (ENOTTY): the EPERM above is ours.
        let result = try sandboxed(syscallErrno(16, ["0", String(TIOCSTI), "0"]), filtered: false)
        #expect(result.stdoutText == "\(ENOTTY)\n", "\(result.stderrText)")
    }

    /// x86-64 processes can still enter the kernel through the 32-bit `int $0x80` gate, with i386's
    /// numbers; no multilib is needed to try it, only an assembler line. The filter kills such a process.
    @Test func aSystemCallThroughThe32BitGateKillsTheProcess() throws {
        let folder = try TemporaryDirectory("ringlet-abi")
        let source = try folder.write("gate.c", """
            #include <stdio.h>
            int main(void) {
                long result;
                __asm__ volatile ("int $0x80" : "=a"(result) : "a"(20L) : "memory"); /* i386 getpid */
                printf("answered %ld\\n", result > 0 ? 1L : result);
                return 0;
            }
            """)
        let program = folder.file("gate")
        let compiler = try Subprocess(ProcessRunner.which("clang"), ["-O0", "-o", program, source]).run()
        try #require(compiler.status == 0, "\(compiler.stderrText)")
        let control = try sandboxed(program, filtered: false)
        #expect(control.stdoutText == "answered 1\n", "without the filter the gate works: \(control.stderrText)")
        let result = try sandboxed(program)
        #expect(result.stdoutText.isEmpty, "\(result.stdoutText)")
        #expect(result.status == 128 + SIGSYS, "killed by the filter: status \(result.status) \(result.stderrText)")
    }

    @Test func unshareFromTheShellFails() throws {
        let result = try sandboxed("unshare -U true")
        #expect(result.status != 0)
        #expect(result.stderrText.contains("Operation not permitted"), "\(result.stderrText)")
    }
}
#endif
