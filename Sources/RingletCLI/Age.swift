/// An age as options take it: a whole number and a unit, `45s`, `30m`, `2h`, `7d`.
enum Age {
    /// The age in milliseconds; nil for anything else, a negative count, or an overflow.
    static func milliseconds(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let scale: Int64? = switch unit {
        case "s": 1000
        case "m": 60_000
        case "h": 3_600_000
        case "d": 86_400_000
        default: nil
        }
        guard let scale else { return nil }
        let (milliseconds, overflow) = count.multipliedReportingOverflow(by: scale)
        return overflow ? nil : milliseconds
    }
}
