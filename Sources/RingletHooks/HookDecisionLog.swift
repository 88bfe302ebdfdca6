#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import RingletCrypto
import RingletSystem

/// The trusted side's record of every tool call the hooks decided: JSON lines in Ringlet's state
/// folder, which the sandbox cannot see. The input is kept as a digest and a 1 KB preview, so the log
/// tells what was asked without becoming a copy of everything the agent handled.
public final class HookDecisionLog: Sendable {
    struct Line: Encodable {
        var time: Double
        var profile: String
        var session: String
        var tool: String
        var input_sha256: String
        var input_preview: String
        var verdict: String
        var reason: String
        var hooks: [HookVerdict.Outcome]
        var milliseconds: Int
    }

    private let file: AppendOnlyFile
    /// Where else each decision goes: the audit log, when the run keeps one.
    private let sink: (@Sendable (ToolEvent, HookVerdict, _ inputDigest: String) -> Void)?

    public init(path: String, sink: (@Sendable (ToolEvent, HookVerdict, _ inputDigest: String) -> Void)? = nil) throws(SystemError) {
        file = try AppendOnlyFile(path: path)
        self.sink = sink
    }

    public func record(_ event: ToolEvent, _ verdict: HookVerdict, runner: HookRunner) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let line = Line(time: Double(now.tv_sec) + Double(now.tv_nsec / 1_000_000) / 1000, profile: runner.profile,
                        session: runner.session, tool: event.toolName, input_sha256: SHA256.hash(Array(event.toolInput.utf8)).hex,
                        input_preview: String(decoding: Array(event.toolInput.utf8.prefix(1024)), as: UTF8.self),
                        verdict: verdict.allowed ? "allow" : "deny", reason: verdict.reason, hooks: verdict.outcomes,
                        milliseconds: verdict.outcomes.reduce(0) { $0 + $1.milliseconds })
        sink?(event, verdict, line.input_sha256)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(line) else { return }
        file.append(line: String(decoding: data, as: UTF8.self))
    }
}
