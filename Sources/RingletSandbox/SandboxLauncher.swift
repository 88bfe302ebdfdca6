import CRingletShim
import Glibc
import RingletSystem

/// Starts bubblewrap with a plan: the options travel through `--args FD` (no length limit, and the
/// environment values are not on a command line others can read) and the seccomp program through
/// `--seccomp FD`.
public enum SandboxLauncher {
    /// Runs the plan on this terminal and returns the agent's exit status.
    public static func run(_ plan: SandboxPlan, bwrap: String = "bwrap") throws(SandboxError) -> Int32 {
        var process = try prepare(plan, bwrap: bwrap)
        process.capturesOutput = false
        return try start(process).status
    }

    /// The same run with its output captured: for tests and diagnostics.
    public static func capture(_ plan: SandboxPlan, bwrap: String = "bwrap") throws(SandboxError) -> Subprocess.Result {
        var process = try prepare(plan, bwrap: bwrap)
        process.timeout = .seconds(120)
        return try start(process)
    }

    private static func prepare(_ plan: SandboxPlan, bwrap: String) throws(SandboxError) -> Subprocess {
        // bwrap reads only options from --args; the command follows on its own command line.
        let arguments = try memoryFile(plan.options.flatMap { Array($0.utf8) + [0] }, name: "ringlet-bwrap-args")
        var process = Subprocess(bwrap, ["--seccomp", "4", "--args", "3", "--"] + plan.command)
        process.passing = [3: arguments, 4: try SeccompFilter.export()]
        return process
    }

    private static func start(_ process: Subprocess) throws(SandboxError) -> Subprocess.Result {
        do throws(SystemError) {
            return try process.run()
        } catch {
            throw .launch(error.description)
        }
    }

    static func memoryFile(_ bytes: [UInt8], name: String) throws(SandboxError) -> FileDescriptor {
        let fd = ringlet_memfd(name)
        guard fd >= 0 else { throw .launch("memfd_create: \(SystemError.text(errno))") }
        let file = FileDescriptor(adopting: fd)
        do throws(SystemError) {
            try file.writeAll(bytes)
        } catch {
            throw .launch(error.description)
        }
        lseek(fd, 0, SEEK_SET)
        return file
    }
}
