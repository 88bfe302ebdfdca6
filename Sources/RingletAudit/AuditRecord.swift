/// An event as the log holds it: where it sits in the chain (`id`, from 1 without gaps), when it was
/// recorded, and the chain hash that makes editing it evident.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    /// Milliseconds since the Unix epoch, UTC: an integer sorts, compares and round-trips exactly.
    public var time: Int64
    public var event: AuditEvent
    /// 64 lower-case hex digits; see `AuditChain` for what it covers.
    public var hash: String

    public init(id: Int64, time: Int64, event: AuditEvent, hash: String) {
        self.id = id
        self.time = time
        self.event = event
        self.hash = hash
    }

    /// The record as one line of JSON with sorted keys (`time` as ISO 8601 UTC), for `--json` and
    /// export: stable across runs, so two exports diff cleanly.
    public var jsonLine: String {
        var line = "{"
        line += "\"fields\":" + CanonicalJSON.object(event.fields)
        line += ",\"hash\":" + CanonicalJSON.string(hash)
        line += ",\"id\":\(id)"
        line += ",\"profile\":" + (event.profile.map(CanonicalJSON.string) ?? "null")
        line += ",\"session\":" + (event.session.map(CanonicalJSON.string) ?? "null")
        line += ",\"time\":" + CanonicalJSON.string(AuditTime.iso8601(time))
        line += ",\"type\":" + CanonicalJSON.string(event.type)
        line += ",\"verdict\":" + (event.verdict.map(CanonicalJSON.string) ?? "null")
        return line + "}"
    }
}
