import Foundation
import RingletManifest
import RingletYAML
import Testing

/// `usage:` in agent manifests, `models.prices` in provider manifests and `budget:` in egg policies:
/// what they accept, and the `file:line:column` of what they refuse.
@Suite struct UsageAndPriceManifestTests {
    static func provider(_ models: String) -> String {
        """
        kind: provider
        schema: 1
        id: demo
        version: 1.0.0
        apis:
          - family: anthropic
            endpoints: [{name: default, url: "https://api.example.com", default: true}]
        models:
        \(models)
        """
    }

    static func egg(_ text: String) throws -> EggPolicy {
        guard let root = try YAMLParser.parse(Array(text.utf8), file: "egg.yaml") else { throw YAMLError.syntax(YAMLLocation(file: "egg.yaml", line: 1, column: 1), "empty") }
        return try EggPolicy(try YAMLMapping(root))
    }

    @Test func anAgentNamesItsUsageReaderAndPaths() throws {
        let agent = try #require(try ManifestFixtures.decode(text: ManifestFixtures.agent(
            "usage:\n  reader: claude-transcripts\n  paths: [\".claude/projects/**/*.jsonl\"]\n")).agent)
        #expect(agent.usage == UsageSource(reader: "claude-transcripts", paths: [".claude/projects/**/*.jsonl"]))
        #expect(try #require(try ManifestFixtures.decode(text: ManifestFixtures.agent()).agent).usage == nil, "usage is optional")
    }

    @Test(arguments: [
        ("usage:\n  reader: gemini-logs\n  paths: [x]\n", "inline.yaml:8:11: unknown usage reader 'gemini-logs' (expected one of: claude-transcripts, codex-sessions)"),
        ("usage:\n  reader: codex-sessions\n  paths: [\"../other/*.jsonl\"]\n", "inline.yaml:9:11: '../other/*.jsonl' must be a glob relative to HOME without '..'"),
        ("usage:\n  reader: codex-sessions\n  paths: []\n", "inline.yaml:9:10: 'paths' needs at least one glob relative to HOME, like .claude/projects/**/*.jsonl"),
        ("usage:\n  reader: codex-sessions\n  path: [x]\n", "inline.yaml:9:3: unknown key 'path' (did you mean 'paths'?)"),
    ])
    func badUsageSectionsAreRefusedWithTheirLocation(extra: String, message: String) {
        #expect(ManifestFixtures.error(decoding: ManifestFixtures.agent(extra)) == message)
    }

    @Test func providerPricesAreExactDecimals() throws {
        let provider = try #require(try ManifestFixtures.decode(text: Self.provider("""
              prices:
                currency: USD
                effective: 2025-09-29
                per_million_tokens:
                  claude-sonnet-4-5: {input: 3.00, output: 15, cache_write: 3.75, cache_read: 0.30}
                  cheap: {input: 0.000001, output: 0.1}
            """)).provider)
        let prices = try #require(provider.models.prices)
        #expect(prices.currency == "USD" && prices.effective == "2025-09-29")
        let sonnet = try #require(prices.models["claude-sonnet-4-5"])
        #expect([sonnet.input.micros, sonnet.output.micros, sonnet.cacheWrite.micros, sonnet.cacheRead.micros] == [3_000_000, 15_000_000, 3_750_000, 300_000])
        #expect(sonnet.cacheRead.description == "0.30" && sonnet.input.description == "3.00")
        let cheap = try #require(prices.models["cheap"])
        #expect(cheap.input.micros == 1 && cheap.cacheWrite == cheap.input && cheap.cacheRead == cheap.input, "cache prices default to input")
    }

    @Test(arguments: [
        ("  prices:\n    currency: USD\n    effective: 2025-09-29\n    per_million_tokens:\n      m: {input: \"3.00\", output: 1}\n",
         "inline.yaml:13:18: 'input' must be a price per million tokens: a plain number like 3 or 0.30 (at most six decimals), found a string"),
        ("  prices:\n    currency: USD\n    effective: 2025-09-29\n    per_million_tokens:\n      m: {input: -1, output: 1}\n",
         "inline.yaml:13:18: 'input' must be a price per million tokens: a plain number like 3 or 0.30 (at most six decimals), found '-1'"),
        ("  prices:\n    currency: USD\n    effective: 2025-09-29\n    per_million_tokens:\n      m: {input: 1.0000001, output: 1}\n",
         "inline.yaml:13:18: 'input' must be a price per million tokens: a plain number like 3 or 0.30 (at most six decimals), found '1.0000001'"),
        ("  prices:\n    currency: dollars\n    effective: 2025-09-29\n    per_million_tokens: {}\n",
         "inline.yaml:10:15: 'currency' must be a three-letter code like USD, found 'dollars'"),
        ("  prices:\n    currency: USD\n    effective: last week\n    per_million_tokens: {}\n",
         "inline.yaml:11:16: 'effective' must be a date like 2025-11-24, found 'last week'"),
        ("  prices:\n    currency: USD\n    effective: 2025-09-29\n    per_million_tokens:\n      m: {output: 1}\n",
         "inline.yaml:13:10: missing required key 'input'"),
    ])
    func badPricesAreRefusedWithTheirLocation(models: String, message: String) {
        #expect(ManifestFixtures.error(decoding: Self.provider(models)) == message)
    }

    @Test func anEggPolicyCarriesABudgetBesideItsAuditKey() throws {
        let policy = try Self.egg("audit: true\nbudget: {daily: 20, monthly: 300.50, currency: EUR, on_exceed: warn}\n")
        #expect(policy.audit == true)
        let budget = try #require(policy.budget)
        #expect(budget.daily?.micros == 20_000_000 && budget.monthly?.micros == 300_500_000)
        #expect(budget.currency == "EUR" && budget.onExceed == .warn)
        let defaults = try #require(try Self.egg("budget: {daily: 5}\n").budget)
        #expect(defaults.currency == "USD" && defaults.onExceed == .stop && defaults.monthly == nil)
    }

    @Test(arguments: [
        ("budget: {currency: USD}\n", "egg.yaml:1:9: a budget needs 'daily', 'monthly' or both"),
        ("budget: {daily: 0}\n", "egg.yaml:1:17: 'daily' must be above zero (leave it out for no limit)"),
        ("budget: {daily: 20, on_exceed: kill}\n", "egg.yaml:1:32: 'on_exceed' must be stop or warn, found 'kill'"),
        ("budget: {daily: twenty}\n", "egg.yaml:1:17: 'daily' must be a spending limit: a plain number like 3 or 0.30 (at most six decimals), found 'twenty'"),
        ("budget: {dayly: 20}\n", "egg.yaml:1:10: unknown key 'dayly' (did you mean 'daily'?)"),
    ])
    func badBudgetsAreRefusedWithTheirLocation(text: String, message: String) throws {
        do {
            _ = try Self.egg(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func theBuiltinRegistryPricesAnthropicAndOpenAIModelsAndNamesReaders() throws {
        func decode(_ path: String) throws -> Manifest {
            try Manifest.decode(Array(try Data(contentsOf: ManifestFixtures.registry.appendingPathComponent(path))), file: path)
        }
        let anthropic = try #require(try decode("providers/anthropic/1.0.0.yaml").provider?.models.prices)
        #expect(anthropic.currency == "USD")
        #expect(anthropic.models["claude-sonnet-4-5"] == ModelPrice(input: .init(micros: 3_000_000), output: .init(micros: 15_000_000),
                                                                    cacheWrite: .init(micros: 3_750_000), cacheRead: .init(micros: 300_000)))
        let openai = try #require(try decode("providers/openai/1.0.0.yaml").provider?.models.prices)
        #expect(openai.models["gpt-5"]?.cacheRead.micros == 125_000)
        #expect(try decode("agents/claude/2.1.0.yaml").agent?.usage?.reader == "claude-transcripts")
        #expect(try decode("agents/codex/0.50.0.yaml").agent?.usage?.reader == "codex-sessions")
    }
}
