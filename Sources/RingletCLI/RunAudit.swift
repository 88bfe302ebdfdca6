import Glibc
import RingletAudit
import RingletCrypto
import RingletHooks
import RingletPolicy
import RingletProxy
import RingletSystem

/// What `ringlet run` writes to the audit log: the launch (what ran, from which manifests, under which
/// policy and mode), a run without the sandbox or with a limit not enforced, every hook and proxy
/// decision, and the end with its exit status. Secrets never enter it: the policy digest covers
/// variable names, not values.
struct RunAudit: Sendable {
    static let option = Command.Option("audit-log", value: "PATH", help: "the audit log (default ~/.local/state/ringlet/audit.db)")

    let log: AuditLog
    let profile: String?
    let session: String

    /// Opens the log now, so an unwritable path or a full disk stops the run before it starts.
    init(_ invocation: Invocation, composition: PolicyRequest.Composition, session: String) throws(CLIError) {
        log = try AuditTrail.open(invocation.context,
                                  path: invocation.value("audit-log").map { PolicyRequest.absolute($0, from: invocation.context.workingDirectory) })
        profile = composition.profile?.name
        self.session = session
    }

    /// The daemon's session host names the run after its session (RINGLET_SESSION_ID), so the audit
    /// log, the recording and the daemon's listing agree; a run from a terminal is `run-<pid>`.
    static func sessionIdentifier() -> String {
        if let given = Environment.value("RINGLET_SESSION_ID"), (1...64).contains(given.count),
           given.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            return given
        }
        return "run-\(getpid())"
    }

    func record(_ type: String, verdict: String? = nil, _ fields: [String: String]) {
        log.record(AuditEvent(type: type, profile: profile, session: session, verdict: verdict, fields: fields))
    }

    func launch(_ composition: PolicyRequest.Composition, mode: String, limits: String) {
        var fields = ["mode": mode, "limits": limits, "workspace": composition.context.workspace,
                      "policy_sha256": Self.policyDigest(composition.policy)]
        if let agent = composition.agent { fields["agent"] = "\(agent.identity.id)@\(agent.identity.version)" }
        if let provider = composition.provider { fields["provider"] = "\(provider.identity.id)@\(provider.identity.version)" }
        if let model = composition.profile?.model { fields["model"] = model }
        for (name, digest) in composition.manifestDigests { fields[name + "_sha256"] = digest }
        record("launch", fields)
    }

    func end(status: Int32) {
        record("session", ["event": "end", "exit_status": String(status)])
        log.flush()
    }

    func hookDecision(_ event: ToolEvent, _ verdict: HookVerdict, inputDigest: String) {
        record("hook", verdict: verdict.allowed ? "allow" : "deny", [
            "tool": event.toolName, "input_sha256": inputDigest,
            "input_preview": String(decoding: Array(event.toolInput.utf8.prefix(1024)), as: UTF8.self),
            "reason": verdict.reason, "hooks": verdict.outcomes.map(\.hook).joined(separator: ","),
            "milliseconds": String(verdict.outcomes.reduce(0) { $0 + $1.milliseconds }),
        ])
    }

    func proxyDecision(_ record: DecisionRecord) {
        self.record("proxy", verdict: record.verdict.rawValue, [
            "host": record.host, "port": String(record.port), "method": record.method, "rule": record.rule, "status": String(record.status),
            "bytes_up": String(record.bytesUp), "bytes_down": String(record.bytesDown),
        ])
    }

    /// The composed policy in a canonical text: file rules, network entries, variable names (never their
    /// values, which may hold the key) and limits.
    static func policyDigest(_ policy: ComposedPolicy) -> String {
        var lines = policy.fileReport.map { "file \($0.rule.access.rawValue) \($0.rule.path)" }.sorted()
        lines += policy.network.map { "network \($0.pattern)" }.sorted()
        lines += policy.settings.map { "set \($0.name)" }.sorted()
        lines += [policy.memoryBytes, policy.cpuMilliseconds, policy.maxFileDescriptors, policy.maxProcesses].map { "limit \($0?.value ?? -1)" }
        return SHA256.hash(lines.joined(separator: "\n")).hex
    }
}
