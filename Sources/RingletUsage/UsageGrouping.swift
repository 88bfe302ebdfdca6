/// What a report's rows are: one per UTC day, profile, model or Ringlet session.
public enum UsageGrouping: String, Sendable, CaseIterable {
    case day, profile, model, session

    /// The SQL expression of a row's key.
    var column: String {
        switch self {
        case .day: "ts / 86400000"
        case .profile: "profile"
        case .model: "model"
        case .session: "COALESCE(session, '')"
        }
    }

    /// The same key in the `daily` table (where no session is '').
    var dailyColumn: String {
        switch self {
        case .day: "day"
        case .profile: "profile"
        case .model: "model"
        case .session: "session"
        }
    }
}
