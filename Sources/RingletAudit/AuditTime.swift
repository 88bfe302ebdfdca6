import RingletSystem

/// Wall-clock time as the log stores it (epoch milliseconds, UTC) and as people read it (ISO 8601).
public enum AuditTime {
    public static func now() -> Int64 {
        UTCTime.nowMilliseconds()
    }

    /// "2026-05-01T12:34:56.789Z".
    public static func iso8601(_ milliseconds: Int64) -> String {
        UTCTime.format(milliseconds: milliseconds)
    }
}
