import Glibc

/// ISO-8601 UTC times ("2026-05-01T12:00:00Z") for metadata and status, from the wall clock, without
/// pulling a date library into the host.
enum Timestamp {
    static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return format(secondsSinceEpoch: now.tv_sec)
    }

    static func format(secondsSinceEpoch seconds: Int) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
