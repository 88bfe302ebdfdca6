import Glibc

/// Wall-clock time in UTC as Ringlet writes and reads it everywhere — audit rows, session metadata,
/// the API, recordings' listings: epoch seconds or milliseconds, and ISO 8601 with a `Z`. One
/// implementation, so every file and answer spells a time the same way and every parser accepts it.
public enum UTCTime {
    public static func nowMilliseconds() -> Int64 {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        return Int64(clock.tv_sec) * 1000 + Int64(clock.tv_nsec) / 1_000_000
    }

    /// Now, to the second: "2026-05-01T12:34:56Z".
    public static func nowText() -> String {
        format(seconds: Int(nowMilliseconds() / 1000))
    }

    /// "2026-05-01T12:34:56Z".
    public static func format(seconds: Int) -> String {
        let (date, clock) = parts(seconds)
        return date + "T" + clock + "Z"
    }

    /// "2026-05-01T12:34:56.789Z".
    public static func format(milliseconds: Int64) -> String {
        let seconds = milliseconds.quotientFloor(1000)
        let millis = Int(milliseconds - seconds * 1000)
        let (date, clock) = parts(Int(seconds))
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return date + "T" + clock + "." + fraction + "Z"
    }

    /// Milliseconds since the epoch of `2026-05-01`, `2026-05-01T14:30`, `2026-05-01T14:30:00Z` (or
    /// with a space for the T, or fractional seconds after the seconds); nil for anything else,
    /// including days that do not exist.
    public static func parse(_ text: String) -> Int64? {
        var date = text, clock = "00:00:00"
        if let separator = text.firstIndex(where: { $0 == "T" || $0 == " " }) {
            date = String(text[..<separator])
            clock = String(text[text.index(after: separator)...])
            if clock.hasSuffix("Z") { clock.removeLast() }
        }
        var millis: Int64 = 0
        if let dot = clock.firstIndex(of: ".") {
            let digits = clock[clock.index(after: dot)...]
            guard (1...9).contains(digits.count), let value = Int64(digits) else { return nil }
            millis = digits.count >= 3 ? value / Int64(pow(10, Double(digits.count - 3))) : value * Int64(pow(10, Double(3 - digits.count)))
            clock = String(clock[..<dot])
        }
        let day = date.split(separator: "-", omittingEmptySubsequences: false).map { Int32($0) }
        var time = clock.split(separator: ":", omittingEmptySubsequences: false).map { Int32($0) }
        if time.count == 2 { time.append(0) }
        guard day.count == 3, time.count == 3, let year = day[0], let month = day[1], let dayOfMonth = day[2],
              let hour = time[0], let minute = time[1], let second = time[2],
              (1970 ... 9999).contains(year), (1 ... 12).contains(month), (1 ... 31).contains(dayOfMonth),
              (0 ... 23).contains(hour), (0 ... 59).contains(minute), (0 ... 60).contains(second)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = dayOfMonth
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let seconds = timegm(&parts)
        guard parts.tm_mday == dayOfMonth else { return nil }  // 2026-02-31 rolled over into March
        return Int64(seconds) * 1000 + millis
    }

    private static func parts(_ seconds: Int) -> (date: String, clock: String) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return ("\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))",
                "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))")
    }
}

extension Int64 {
    /// Division rounding toward minus infinity, so times before 1970 still split into seconds correctly.
    fileprivate func quotientFloor(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
