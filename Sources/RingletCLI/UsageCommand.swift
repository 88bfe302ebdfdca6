#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import RingletManifest
import RingletProfile
import RingletRegistry
import RingletSystem
import RingletUsage

/// `ringlet usage`: tokens and cost per day, profile, model or session, read from the agents' own
/// records in each profile's HOME (as their manifests say) and priced with the providers' price lists.
enum UsageCommand {
    static var command: Command {
        Command(
            "usage", summary: "tokens used and what they cost, by day, profile, model or session",
            discussion: """
            Reads what is new in the agents' own records (Claude Code's transcripts, Codex's session logs: the
            agent manifest's `usage:`) in every profile's HOME into <state>/usage.db, then reports. Prices come
            from the provider manifests (models.prices), as the registries or ringlet.lock resolve them; a model
            no provider prices is shown as unpriced, never as free. Days are UTC days; a week starts on Monday.
            Usage is attributed to the Ringlet session (from the audit log's launch and end events) that ran its
            profile at the time.
            """,
            options: [
                .init("period", value: "PERIOD", help: "today, yesterday, week, month, 7d, 30d or all (default month)"),
                .init("profile", value: "NAME", help: "only this profile"),
                .init("model", value: "MODEL", help: "only this model (as the agent recorded it)"),
                .init("session", value: "ID", help: "only this Ringlet session"),
                .init("by", value: "GROUP", help: "rows per day, profile, model or session (default day)"),
                Command.jsonOption,
                .init("csv", help: "print CSV instead of a table"),
                .init("usage-db", value: "PATH", help: "the usage index (default <state>/usage.db)"),
                AuditCommands.pathOption,
            ]
        ) { (invocation) throws(CLIError) in
            try run(invocation)
        }
    }

    static func run(_ invocation: Invocation) throws(CLIError) -> ExitCode {
        let periodText = invocation.value("period") ?? "month"
        guard let period = UsagePeriod(rawValue: periodText) else {
            throw .usage("--period takes \(UsagePeriod.allCases.map(\.rawValue).joined(separator: ", ")), got '\(periodText)'", usage: invocation.usage)
        }
        let groupText = invocation.value("by") ?? "day"
        guard let grouping = UsageGrouping(rawValue: groupText) else {
            throw .usage("--by takes \(UsageGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(groupText)'", usage: invocation.usage)
        }
        guard !(invocation.json && invocation.flag("csv")) else {
            throw .usage("--json and --csv are alternatives; give one", usage: invocation.usage)
        }
        let context = invocation.context
        let (homes, prices) = try sources(context)
        let now = UTCTime.nowMilliseconds()
        let filter = UsageFilter(period: period, now: now, profile: invocation.value("profile"), model: invocation.value("model"),
                                 session: invocation.value("session"))
        let report: UsageReport
        let summary: ScanSummary
        do throws(UsageError) {
            let index = try UsageIndex(path: invocation.value("usage-db").map { PolicyRequest.absolute($0, from: context.workingDirectory) }
                ?? UsageIndex.defaultPath(stateDirectory: context.directories.state))
            defer { index.close() }
            try index.syncSessions(auditLog: AuditCommands.logPath(invocation))
            let progress = ScanProgressLine()
            summary = try index.scan(homes, progress: progress.show)
            progress.finish()
            report = try index.report(filter, by: grouping, prices: prices)
        } catch {
            throw .failed(error.description)
        }
        if summary.malformedLines > 0 {
            Console.warn("skipped \(summary.malformedLines) malformed line\(summary.malformedLines == 1 ? "" : "s") in the agents' records (first: \(summary.malformedExamples.first ?? "-"))")
        }
        for problem in summary.unreadable { Console.warn("cannot read \(problem)") }
        if invocation.json {
            try JSONOutput.print(Output(period: period.rawValue, since: filter.since.map(UTCTime.format(milliseconds:)),
                                        until: filter.until.map(UTCTime.format(milliseconds:)), by: grouping.rawValue,
                                        rows: report.rows.map(OutputRow.init), total: OutputRow(report.total),
                                        scan: OutputScan(files: summary.files, filesRead: summary.filesRead, bytesRead: summary.bytesRead,
                                                         records: summary.records, malformedLines: summary.malformedLines)))
        } else if invocation.flag("csv") {
            var lines = ["\(grouping.rawValue),calls,input,output,cache_write,cache_read,currency,cost,unpriced_models"]
            for row in report.rows + [report.total] {
                let currencies = row.cost.picos.keys.sorted()
                lines.append([csvField(row.key), String(row.calls), String(row.tokens.input), String(row.tokens.output),
                              String(row.tokens.cacheWrite), String(row.tokens.cacheRead), currencies.joined(separator: ";"),
                              currencies.map { row.cost.formatted($0) }.joined(separator: ";"),
                              csvField(row.cost.unpricedModels.sorted().joined(separator: ";"))].joined(separator: ","))
            }
            Console.out(lines.joined(separator: "\n"))
        } else if report.rows.isEmpty {
            Console.out("no usage \(period == .all ? "recorded" : "in this period (\(period.rawValue))")")
        } else {
            var table = TextTable([grouping.rawValue.uppercased(), "CALLS", "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "COST"])
            for row in report.rows + [report.total] {
                table.add([row.key, String(row.calls), String(row.tokens.input), String(row.tokens.output), String(row.tokens.cacheWrite),
                           String(row.tokens.cacheRead), row.cost.summary()])
            }
            var text = table.text
            if !report.total.cost.unpricedModels.isEmpty {
                text += "unpriced (no provider manifest lists a price): \(report.total.cost.unpricedModels.sorted().joined(separator: ", ")) — \(report.total.cost.unpricedTokens) tokens\n"
            }
            Console.out(text)
        }
        return .success
    }

    /// Every profile HOME whose agent records usage, and the prices of every provider the registries
    /// resolve (a profile's own provider as its reference resolves, honouring ringlet.lock). The daemon
    /// wiring calls this too, then `UsageIndex.scan` and `totals(session:prices:)` / `budgetStatus`.
    static func sources(_ context: CLIContext) throws(CLIError) -> ([UsageHome], PriceTable) {
        let registries = try context.openRegistries()
        let resolver = RegistryResolver(registries)
        var lists: [String: PriceList] = [:]
        var profileProviders: [String: String] = [:]
        for id in Set(registries.registries.flatMap { $0.tree?.ids(of: .provider) ?? [] }).sorted() {
            guard let reference = try? ManifestReference(parsing: id),
                  let resolution = try? resolver.resolve(reference, kind: .provider, warn: { _ in }),
                  case .provider(let provider) = resolution.manifest.manifest, let prices = provider.models.prices else { continue }
            lists[id] = prices
        }
        var homes: [UsageHome] = []
        let homesFolder = context.directories.data + "/homes"
        let profiles = Set(ProfileCommands.names(context))
        for name in ((try? Directory.contents(homesFolder)) ?? []).sorted() where FileStatus.of(homesFolder + "/" + name) == .directory {
            var agentReference = name
            if profiles.contains(name) {
                let profile: ProfileFile
                do throws(ProfileError) {
                    profile = try ProfileFile.load(name: name, configDirectory: context.directories.config)
                } catch {
                    Console.warn("profile \(name): \(error); its usage is not read")
                    continue
                }
                agentReference = profile.agent
                if let providerReference = profile.provider {
                    let resolution = try PolicyRequest.resolve(providerReference, kind: .provider, resolver: resolver, context: context)
                    if case .provider(let provider) = resolution.manifest.manifest {
                        profileProviders[name] = provider.identity.id
                        if let prices = provider.models.prices { lists[provider.identity.id] = prices }
                    }
                }
            }
            // A HOME without a profile is a plain `ringlet run --agent ID`'s, named after the agent.
            guard let resolution = try? PolicyRequest.resolve(agentReference, kind: .agent, resolver: resolver, context: context),
                  case .agent(let agent) = resolution.manifest.manifest else { continue }
            guard let source = agent.usage else { continue }
            homes.append(UsageHome(profile: name, home: homesFolder + "/" + name, source: source))
        }
        return (homes, PriceTable(lists: lists, profileProviders: profileProviders))
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    private struct Output: Encodable {
        var period: String
        var since: String?
        var until: String?
        var by: String
        var rows: [OutputRow]
        var total: OutputRow
        var scan: OutputScan
    }

    private struct OutputRow: Encodable {
        var key: String
        var calls: Int64
        var tokens: OutputTokens
        /// Amounts per currency as exact decimal strings (six places): JSON numbers would be doubles.
        var cost: [String: String]
        var unpricedModels: [String]
        var unpricedTokens: Int64

        init(_ row: UsageReport.Row) {
            key = row.key
            calls = row.calls
            tokens = OutputTokens(input: row.tokens.input, output: row.tokens.output, cacheWrite: row.tokens.cacheWrite,
                                  cacheRead: row.tokens.cacheRead, total: row.tokens.total)
            var cost: [String: String] = [:]
            for currency in row.cost.picos.keys { cost[currency] = row.cost.formatted(currency) }
            self.cost = cost
            unpricedModels = row.cost.unpricedModels.sorted()
            unpricedTokens = row.cost.unpricedTokens
        }
    }

    private struct OutputTokens: Encodable {
        var input: Int64
        var output: Int64
        var cacheWrite: Int64
        var cacheRead: Int64
        var total: Int64
    }

    private struct OutputScan: Encodable {
        var files: Int
        var filesRead: Int
        var bytesRead: Int64
        var records: Int
        var malformedLines: Int
    }
}
