/// The time window of a report. Days, weeks and months are UTC calendar days (a week starts on
/// Monday); `7d` and `30d` are the last 7 or 30 × 24 hours up to now.
public enum UsagePeriod: String, Sendable, CaseIterable {
    case today, yesterday, week, month
    case last7Days = "7d"
    case last30Days = "30d"
    case all

    static let day: Int64 = 86_400_000

    /// `[since, until)` in epoch milliseconds; nil bounds are open.
    public func range(now: Int64) -> (since: Int64?, until: Int64?) {
        let today = now - now.modulo(Self.day)
        switch self {
        case .today: return (today, today + Self.day)
        case .yesterday: return (today - Self.day, today)
        case .week:
            // 1970-01-01 was a Thursday: days since then + 3, modulo 7, is days since Monday.
            let sinceMonday = (today / Self.day + 3).modulo(7)
            return (today - sinceMonday * Self.day, nil)
        case .month: return (Self.startOfMonth(now), nil)
        case .last7Days: return (now - 7 * Self.day, nil)
        case .last30Days: return (now - 30 * Self.day, nil)
        case .all: return (nil, nil)
        }
    }

    /// The first millisecond of `now`'s UTC month.
    static func startOfMonth(_ now: Int64) -> Int64 {
        let days = now.floorDivided(by: day)
        let (year, month, _) = civil(days)
        return ISOTimestamp.daysFromCivil(year: year, month: month, day: 1) * day
    }

    /// The UTC date of a day number, `2026-05-01`.
    static func date(day number: Int64) -> String {
        let (year, month, day) = civil(number)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// Inverse of `daysFromCivil` (Howard Hinnant's algorithm).
    static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }

    func floorDivided(by divisor: Int64) -> Int64 {
        (self - modulo(divisor)) / divisor
    }
}
