import Glibc
import RingletSystem

/// Runs a profile's pre-tool-use hooks for one tool call: every matching hook, in order, each with the
/// event on stdin and `RINGLET_TOOL_NAME`, `RINGLET_TOOL_INPUT`, `RINGLET_PROFILE`, `RINGLET_SESSION`
/// and `RINGLET_WORKSPACE` in its environment, in the workspace.
///
/// It fails closed: a hook that exits non-zero, cannot start, or outlives its timeout denies. All
/// matching hooks run even after a denial, so the record shows every hook's view of the call.
public struct HookRunner: Sendable {
    public var hooks: [HookDefinition]
    public var profile: String
    public var session: String
    public var workspace: String

    public init(hooks: [HookDefinition], profile: String, session: String, workspace: String) {
        self.hooks = hooks
        self.profile = profile
        self.session = session
        self.workspace = workspace
    }

    public func evaluate(_ event: ToolEvent) -> HookVerdict {
        HookVerdict(outcomes: hooks.filter { $0.matches(tool: event.toolName) }.map { run($0, event) })
    }

    private func run(_ hook: HookDefinition, _ event: ToolEvent) -> HookVerdict.Outcome {
        let started = ContinuousClock.now
        func outcome(_ allowed: Bool, _ status: Int32?, _ reason: String) -> HookVerdict.Outcome {
            let elapsed = ContinuousClock.now - started
            let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            return .init(hook: hook.name, allowed: allowed, status: status, reason: reason, milliseconds: milliseconds)
        }
        var process: Subprocess
        switch hook.command {
        case .shell(let line): process = Subprocess("/bin/sh", ["-c", line])
        case .script(let path): process = Subprocess(path, [])
        }
        process.workingDirectory = workspace
        process.timeout = hook.timeout
        process.outputLimit = 1 << 20
        process.environment = [
            "RINGLET_TOOL_NAME": event.toolName, "RINGLET_TOOL_INPUT": event.toolInput, "RINGLET_PROFILE": profile,
            "RINGLET_SESSION": session, "RINGLET_WORKSPACE": workspace,
        ]
        do throws(SystemError) {
            // An anonymous file, so a hook that never reads its stdin cannot block us.
            process.passing = [0: try .anonymousFile(named: "ringlet-hook-event", holding: event.raw)]
            let result = try process.run()
            let stderr = String(decoding: result.stderr.prefix(1024), as: UTF8.self).trimmingWhitespace
            if result.status == 0 { return outcome(true, 0, "") }
            return outcome(false, result.status, stderr.isEmpty ? "denied (exit \(result.status))" : stderr)
        } catch {
            if case .call(_, _, let code) = error, code == ETIMEDOUT {
                return outcome(false, nil, "no answer within \(hook.timeout), denied")
            }
            return outcome(false, nil, "could not run: \(error)")
        }
    }
}
