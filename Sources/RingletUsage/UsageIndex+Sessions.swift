import RingletAudit
import RingletSystem

extension UsageIndex {
    /// Reads Ringlet sessions' spans from the audit log: every run writes a `launch` event (profile,
    /// session) before the agent starts and a `session` event with `event=end` when it ends, so usage
    /// a profile's agent wrote in between is that session's. A run without a profile uses the agent's
    /// own HOME (`homes/<agent id>`), so its span is filed under the agent id. Only events newer than
    /// the last sync are read. A missing audit log means no sessions yet.
    public func syncSessions(auditLog path: String) throws(UsageError) {
        guard FileStatus.of(path).exists else { return }
        let since = try meta("audit_synced_until").flatMap { Int64($0) }
        var spans: [String: SessionSpan] = [:]
        var latest = since ?? 0
        do throws(AuditError) {
            for type in ["launch", "session"] {
                // Inclusive of the last synced millisecond: events sharing it are read again, harmlessly.
                try AuditLog.scan(path: path, filter: AuditFilter(since: since, type: type)) { record in
                    let event = record.event
                    latest = max(latest, record.time)
                    guard let session = event.session else { return }
                    if type == "launch" {
                        let profile = event.profile ?? event.fields["agent"].map { String($0.prefix { $0 != "@" }) } ?? "default"
                        let end = spans[session]?.end
                        spans[session] = SessionSpan(session: session, profile: profile, start: record.time, end: end)
                    } else if event.fields["event"] == "end" {
                        if var span = spans[session] {
                            span.end = record.time
                            spans[session] = span
                        } else {
                            spans[session] = SessionSpan(session: session, profile: "", start: -1, end: record.time)
                        }
                    }
                }
            }
        } catch {
            throw .auditLog(path: path, reason: error.description)
        }
        var complete: [SessionSpan] = []
        for var span in spans.values {
            if span.start < 0 {
                // An end whose launch was synced earlier: keep the known start and profile.
                guard let known = try self.span(of: span.session) else { continue }
                span.start = known.start
                span.profile = known.profile
            }
            complete.append(span)
        }
        try record(spans: complete.sorted { $0.start < $1.start })
        try setMeta("audit_synced_until", String(latest))
    }
}
