import CRingletShim
import Glibc
import RingletSystem

/// Starts bubblewrap with a plan: the options travel through `--args FD` (no length limit, and the
/// environment values are not on a command line others can read) and the seccomp program through
/// `--seccomp FD`.
///
/// bwrap reports its child's pid on `--info-fd` and holds it on `--block-fd`; in that pause the child
/// is moved into the run's cgroup and the proxy's listener is made in its network namespace, so the
/// agent's first instruction already runs limited and with its only way out in place.
public enum SandboxLauncher {
    public struct Settings: Sendable {
        public var bridge: NetworkBridge?
        /// From `ResourceLimits.Enforcement`: a systemd scope around bwrap, and the rlimits.
        public var commandPrefix: [String] = []
        public var rlimits: [ResourceLimits.Rlimit] = []
        public var cgroup: Cgroup?
        /// A pseudo-terminal's replica: the sandbox's session gets it as its controlling terminal.
        public var terminal: String?
        public var bwrap = "bwrap"

        public init(bridge: NetworkBridge? = nil) {
            self.bridge = bridge
        }
    }

    /// Runs the plan and returns the agent's exit status. `started` gets bwrap's pid as soon as it runs
    /// (to forward signals to); the whole sandbox dies with it.
    public static func run(_ plan: SandboxPlan, settings: Settings, started: (pid_t) -> Void = { _ in }) throws(SandboxError) -> Int32 {
        var process = Subprocess(settings.commandPrefix.first ?? settings.bwrap,
                                 Array(settings.commandPrefix.dropFirst()) + (settings.commandPrefix.isEmpty ? [] : [settings.bwrap]))
        process.capturesOutput = false
        process.controllingTerminal = settings.terminal
        let options: FileDescriptor
        do throws(SystemError) {
            options = try .anonymousFile(named: "ringlet-bwrap-args", holding: plan.options.flatMap { Array($0.utf8) + [0] })
        } catch {
            throw .launch(error.description)
        }
        let info = try pipe(), block = try pipe()
        // bwrap reads only options from --args; the command follows on its own command line.
        process.arguments += ["--info-fd", "5", "--block-fd", "6", "--seccomp", "4", "--args", "3", "--"] + plan.command
        process.passing = [3: options, 4: try SeccompFilter.export(), 5: info.write, 6: block.read]
        let sandbox: pid_t
        do throws(SystemError) { sandbox = try process.start() } catch { throw .launch(error.description) }
        info.write.close()
        block.read.close()
        started(sandbox)
        var child: pid_t?
        do throws(SandboxError) {
            child = pid_t(try childPid(from: info.read))
            try settings.cgroup?.add(child!)
            for limit in settings.rlimits where ringlet_set_rlimit(child!, limit.resource, limit.value) != 0 {
                throw .limits("cannot set \(limit) on the sandbox: \(SystemError.text(errno))")
            }
            try settings.bridge?.open(in: child!)
            do throws(SystemError) { try block.write.writeAll([1]) } catch { throw .launch(error.description) }
            block.write.close()
        } catch {
            // The child waits on the block pipe; it must die before that pipe closes and lets it go on.
            if let child { kill(child, SIGKILL) }
            kill(sandbox, SIGKILL)
            _ = Subprocess.wait(sandbox)
            throw error
        }
        return Subprocess.wait(sandbox)
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
}
