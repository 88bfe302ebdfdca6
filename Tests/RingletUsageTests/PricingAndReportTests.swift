import Foundation
import RingletManifest
import RingletTestSupport
@testable import RingletUsage
import Testing

/// Prices, costs, periods, groupings and budgets.
@Suite struct PricingAndReportTests {
    static func price(_ input: String, _ output: String, _ write: String, _ read: String) -> ModelPrice {
        ModelPrice(input: DecimalAmount(parsing: input)!, output: DecimalAmount(parsing: output)!,
                   cacheWrite: DecimalAmount(parsing: write)!, cacheRead: DecimalAmount(parsing: read)!)
    }

    static let anthropic = PriceList(currency: "USD", effective: "2025-09-29",
                                     models: ["claude-sonnet-4-5": price("3.00", "15.00", "3.75", "0.30")])

    @Test func costsAreExactWithoutFloatingPoint() {
        let table = PriceTable(lists: ["anthropic": Self.anthropic])
        // 0.1 + 0.2 in doubles is 0.30000000000000004; here a third of a cent stays exact.
        let cost = table.cost(TokenCounts(input: 1, output: 1, cacheWrite: 1, cacheRead: 1_000_000), model: "claude-sonnet-4-5", profile: nil)
        #expect(cost.picos["USD"].map(String.init) == String(3_000_000 + 15_000_000 + 3_750_000 + 300_000_000_000))
        #expect(cost.formatted("USD", decimals: 12) == "0.300021750000")
        #expect(cost.formatted("USD", decimals: 2) == "0.30")
        #expect(cost.summary() == "USD 0.300022")
    }

    @Test func datedAndSuffixedModelNamesFindTheirPrice() {
        let table = PriceTable(lists: ["anthropic": Self.anthropic])
        #expect(table.price(model: "claude-sonnet-4-5-20250929", profile: nil)?.provider == "anthropic")
        #expect(table.price(model: "claude-sonnet-4-5[1m]", profile: nil) != nil)
        #expect(table.price(model: "claude-sonnet-4", profile: nil) == nil)
    }

    @Test func unpricedModelsAreNeverFree() {
        let cost = PriceTable(lists: ["anthropic": Self.anthropic]).cost(TokenCounts(input: 5, output: 5), model: "mystery-1", profile: "work")
        #expect(cost.picos.isEmpty && cost.unpricedModels == ["mystery-1"] && cost.unpricedTokens == 10)
        #expect(cost.summary() == "unpriced")
    }

    @Test func theProfilesOwnProviderPricesFirst() {
        let gateway = PriceList(currency: "EUR", effective: "2026-01-01", models: ["claude-sonnet-4-5": Self.price("4", "20", "5", "0.5")])
        let table = PriceTable(lists: ["anthropic": Self.anthropic, "gateway": gateway], profileProviders: ["eu": "gateway"])
        #expect(table.price(model: "claude-sonnet-4-5", profile: "eu")?.currency == "EUR")
        #expect(table.price(model: "claude-sonnet-4-5", profile: "other")?.currency == "USD")
    }

    @Test func periodsAreUTCCalendarWindows() throws {
        let now = try #require(ISOTimestamp.milliseconds("2026-05-13T15:30:00Z"))  // a Wednesday
        func day(_ text: String) -> Int64 { ISOTimestamp.milliseconds(text + "T00:00:00Z")! }
        #expect(UsagePeriod.today.range(now: now) == (day("2026-05-13"), day("2026-05-14")))
        #expect(UsagePeriod.yesterday.range(now: now) == (day("2026-05-12"), day("2026-05-13")))
        #expect(UsagePeriod.week.range(now: now).since == day("2026-05-11"))
        #expect(UsagePeriod.month.range(now: now).since == day("2026-05-01"))
        #expect(UsagePeriod.last7Days.range(now: now).since == now - 7 * 86_400_000)
        #expect(UsagePeriod.all.range(now: now).since == nil)
        #expect(UsagePeriod.month.range(now: day("2024-03-01")).since == day("2024-03-01"))
        #expect(UsagePeriod.date(day: day("2024-02-29") / 86_400_000) == "2024-02-29")
    }

    @Test func reportsGroupFilterAndTotal() throws {
        let folder = try TemporaryDirectory("ringlet-usage-report")
        let index = try UsageIndex(path: folder.path + "/usage.db")
        var homes: [UsageHome] = []
        for (profile, lines) in [("work", [UsageFixtures.assistant(id: "a", time: "2026-05-01T10:00:00Z"),
                                           UsageFixtures.assistant(id: "b", time: "2026-05-02T10:00:00Z", input: 1000, output: 100)]),
                                 ("play", [UsageFixtures.assistant(id: "c", model: "mystery-1", time: "2026-05-02T11:00:00Z")])] {
            let home = folder.path + "/homes/" + profile
            try FileManager.default.createDirectory(atPath: home + "/.claude/projects/p", withIntermediateDirectories: true)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: home + "/.claude/projects/p/s.jsonl"))
            homes.append(UsageHome(profile: profile, home: home, source: UsageSource(reader: "claude-transcripts", paths: [".claude/projects/**/*.jsonl"])))
        }
        _ = try index.scan(homes)
        let prices = PriceTable(lists: ["anthropic": Self.anthropic])

        let byDay = try index.report(UsageFilter(), by: .day, prices: prices)
        #expect(byDay.rows.map(\.key) == ["2026-05-01", "2026-05-02"])
        #expect(byDay.rows.map(\.calls) == [1, 2])
        #expect(byDay.total.tokens == TokenCounts(input: 1200, output: 120))
        #expect(byDay.total.cost.unpricedModels == ["mystery-1"] && byDay.total.cost.unpricedTokens == 110)
        // Priced: (100 + 1000) × 3 + (10 + 100) × 15 micro-dollars.
        #expect(byDay.total.cost.formatted("USD") == "0.004950")

        let byProfile = try index.report(UsageFilter(), by: .profile, prices: prices)
        #expect(byProfile.rows.map(\.key) == ["play", "work"])
        #expect(byProfile.rows.first?.cost.picos.isEmpty == true)

        let byModel = try index.report(UsageFilter(model: "mystery-1"), by: .model, prices: prices)
        #expect(byModel.rows.map(\.key) == ["mystery-1"])

        let oneDay = try index.report(UsageFilter(since: ISOTimestamp.milliseconds("2026-05-02T00:00:00Z"), until: ISOTimestamp.milliseconds("2026-05-03T00:00:00Z"),
                                                  profile: "work"), by: .session, prices: prices)
        #expect(oneDay.rows.map(\.key) == ["-"] && oneDay.total.tokens == TokenCounts(input: 1000, output: 100))
    }

    @Test func aPriceChangeChangesTheCostOfUsageAlreadyIndexed() {
        let tokens = TokenCounts(input: 1_000_000, output: 1_000_000)
        let before = PriceTable(lists: ["anthropic": Self.anthropic]).cost(tokens, model: "claude-sonnet-4-5", profile: nil)
        var cheaper = Self.anthropic
        cheaper.models["claude-sonnet-4-5"] = Self.price("2.00", "10.00", "2.50", "0.20")
        let after = PriceTable(lists: ["anthropic": cheaper]).cost(tokens, model: "claude-sonnet-4-5", profile: nil)
        #expect(before.formatted("USD", decimals: 2) == "18.00" && after.formatted("USD", decimals: 2) == "12.00")
    }

    @Test(arguments: [("7.99", BudgetStatus.Level.ok, Int64(799)), ("8.00", .warning, 800), ("9.99", .warning, 999), ("10.00", .exceeded, 1000),
                      ("25.00", .exceeded, 2500)])
    func budgetThresholds(spent: String, level: BudgetStatus.Level, permille: Int64) {
        var cost = Cost()
        cost.picos["USD"] = Int128(DecimalAmount(parsing: spent)!.micros) * 1_000_000
        let budget = Budget(daily: DecimalAmount(parsing: "10"), monthly: DecimalAmount(parsing: "1000"))
        let status = BudgetStatus(budget: budget, spentToday: cost, spentThisMonth: cost)
        #expect(status.daily?.level == level && status.daily?.permille == permille)
        #expect(status.monthly?.level == .ok && status.level == level)
        #expect(status.mustStop == (level == .exceeded))
        var warnOnly = budget
        warnOnly.onExceed = .warn
        #expect(!BudgetStatus(budget: warnOnly, spentToday: cost, spentThisMonth: cost).mustStop)
    }

    @Test func budgetsCountOnlyTheirCurrency() {
        var cost = Cost()
        cost.picos["EUR"] = 1_000_000_000_000_000
        let status = BudgetStatus(budget: Budget(monthly: DecimalAmount(parsing: "5")), spentToday: cost, spentThisMonth: cost)
        #expect(status.level == .ok && status.daily == nil)
    }
}
