/// Which records a query returns. Every condition given must hold; nil means "any". Times are epoch
/// milliseconds (UTC) so the library needs no calendar: `since` is inclusive, `until` exclusive.
public struct AuditFilter: Sendable, Equatable {
    public var since: Int64?
    public var until: Int64?
    public var profile: String?
    public var session: String?
    public var type: String?
    public var verdict: String?
    /// At most this many records: the most recent ones, still returned oldest first.
    public var limit: Int?

    public init(since: Int64? = nil, until: Int64? = nil, profile: String? = nil, session: String? = nil,
                type: String? = nil, verdict: String? = nil, limit: Int? = nil) {
        self.since = since
        self.until = until
        self.profile = profile
        self.session = session
        self.type = type
        self.verdict = verdict
        self.limit = limit
    }
}
