/// When a Ringlet session ran and for which profile: from its audit `launch` event to its `session`
/// `end` event (nil while it runs). Usage of that profile written in between belongs to the session.
public struct SessionSpan: Sendable, Hashable {
    public var session: String
    public var profile: String
    /// Epoch milliseconds.
    public var start: Int64
    public var end: Int64?

    public init(session: String, profile: String, start: Int64, end: Int64? = nil) {
        self.session = session
        self.profile = profile
        self.start = start
        self.end = end
    }

    func contains(_ time: Int64) -> Bool { time >= start && end.map { time <= $0 } ?? true }
}
