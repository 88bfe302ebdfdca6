import RingletManifest
import RingletProfile
import RingletSystem
import RingletUsage

/// A profile's `budget:` checked when a run starts (from a terminal or as a daemon session): what the
/// agents' own records say was spent today and this month (UTC), priced from the provider manifests.
/// From 80% of a limit the run is warned; over a limit it is refused unless the budget says
/// `on_exceed: warn`. Every check that is not plainly ok is an audit event.
enum BudgetGate {
    static func check(_ profile: ProfileFile, context: CLIContext, auditLogPath: String, audit: RunAudit) throws(CLIError) {
        guard let budget = profile.budget else { return }
        let (homes, prices) = try UsageCommand.sources(context)
        let status: BudgetStatus
        do throws(UsageError) {
            let index = try UsageIndex(path: UsageIndex.defaultPath(stateDirectory: context.directories.state))
            defer { index.close() }
            try index.syncSessions(auditLog: auditLogPath)
            _ = try index.scan(homes)
            status = try index.budgetStatus(profile: profile.name, budget: budget, prices: prices, now: UTCTime.nowMilliseconds())
        } catch {
            throw .failed("cannot check profile \(profile.name)'s budget: \(error)")
        }
        guard status.level != .ok else { return }
        let windows = [("daily", status.daily), ("monthly", status.monthly)].compactMap { name, window in
            window.map { "\(name) \(budget.currency) \($0.spent.formatted(budget.currency, decimals: 2)) of \($0.limit) (\($0.permille / 10)%)" }
        }
        let spent = windows.joined(separator: ", ")
        audit.record("budget", verdict: status.mustStop ? "deny" : "warn", ["level": status.level.rawValue, "spent": spent, "on_exceed": budget.onExceed.rawValue])
        if status.mustStop {
            audit.log.flush()
            throw .failed("profile \(profile.name) is over its budget (\(spent)); raise `budget:` in the profile, or set on_exceed: warn to run anyway")
        }
        Console.warn("profile \(profile.name) has spent \(spent) of its budget" + (status.level == .exceeded ? "; on_exceed: warn lets it run" : ""))
    }
}
