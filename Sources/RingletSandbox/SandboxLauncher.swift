import CRingletShim
import Glibc
import RingletSystem

/// Starts bubblewrap with a plan: the options travel through `--args FD` (no length limit, and the
/// environment values are not on a command line others can read) and the seccomp program through
/// `--seccomp FD`.
public enum SandboxLauncher {
    /// Runs the plan on this terminal and returns the agent's exit status. With a bridge, the agent
    /// starts only once the bridge listens inside the sandbox (`--block-fd`).
    public static func run(_ plan: SandboxPlan, bridge: NetworkBridge? = nil, bwrap: String = "bwrap") throws(SandboxError) -> Int32 {
        var process = try prepare(plan, bwrap: bwrap)
        process.capturesOutput = false
        guard let bridge else { return try start(process).status }
        return try runBridged(process, bridge: bridge).status
    }

    /// bwrap reports its child's pid on the info pipe and waits on the block pipe; in between the bridge
    /// is started in the child's namespaces and must say it listens.
    private static func runBridged(_ prepared: Subprocess, bridge: NetworkBridge) throws(SandboxError) -> Subprocess.Result {
        var process = prepared
        let info = try pipe(), block = try pipe(), ready = try pipe()
        process.passing[5] = info.write
        process.passing[6] = block.read
        process.arguments = ["--info-fd", "5", "--block-fd", "6"] + process.arguments
        let sandbox: pid_t
        do throws(SystemError) { sandbox = try process.start() } catch { throw .launch(error.description) }
        info.write.close()
        block.read.close()
        var bridgePid: pid_t?
        defer {
            if let bridgePid {
                kill(bridgePid, SIGTERM)
                _ = Subprocess.wait(bridgePid)
            }
        }
        do throws(SandboxError) {
            let child = try childPid(from: info.read)
            var helper = Subprocess("nsenter", ["--target", String(child), "--user", "--net", "--preserve-credentials", "--"] + bridge.command)
            helper.passing = [1: ready.write]
            do throws(SystemError) { bridgePid = try helper.start() } catch { throw .launch("cannot start the network bridge: \(error)") }
            ready.write.close()
            guard let line = try? ready.read.read(upTo: 64), String(decoding: line, as: UTF8.self).hasPrefix("ready") else {
                throw .launch("the network bridge did not come up inside the sandbox")
            }
            do throws(SystemError) { try block.write.writeAll([1]) } catch { throw .launch(error.description) }
            block.write.close()
        } catch {
            kill(sandbox, SIGKILL)
            _ = Subprocess.wait(sandbox)
            throw error
        }
        return Subprocess.Result(status: Subprocess.wait(sandbox), stdout: [], stderr: [])
    }

    /// `{"child-pid": 1234, …}` from bwrap's info pipe.
    private static func childPid(from info: FileDescriptor) throws(SandboxError) -> Int {
        var text = ""
        while !text.contains("}") {
            guard let chunk = try? info.read(upTo: 4096), !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let key = text.firstRange(of: "\"child-pid\""),
              let pid = Int(text[key.upperBound...].drop { $0 == ":" || $0 == " " }.prefix { $0.isNumber }) else {
            throw .launch("bubblewrap did not report its child: \(text.prefix(200))")
        }
        return pid
    }

    private static func pipe() throws(SandboxError) -> (read: FileDescriptor, write: FileDescriptor) {
        var ends: [Int32] = [-1, -1]
        guard ringlet_pipe_cloexec(&ends) == 0 else { throw .launch("pipe: \(SystemError.text(errno))") }
        return (FileDescriptor(adopting: ends[0]), FileDescriptor(adopting: ends[1]))
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
