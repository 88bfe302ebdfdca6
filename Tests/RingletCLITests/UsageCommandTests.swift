import Foundation
import RingletTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ringlet usage` end to end: a real Claude Code transcript in a profile-less HOME, priced by the
/// built-in registry and then by an updated provider manifest; malformed lines; the output formats;
/// and the real Claude Code run by `ringlet profiles run` against the Anthropic double.
@Suite struct UsageCommandTests {
    static let transcript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../RingletUsageTests/Fixtures/claude-code-2.1.330.jsonl").standardizedFileURL.path

    /// A workspace whose `homes/claude` (a plain `ringlet run --agent claude`'s HOME) holds the real transcript.
    static func workspace() throws -> (RingletWorkspace, String) {
        let workspace = try RingletWorkspace("ringlet-usage")
        let folder = workspace.home + "/data/homes/claude/.claude/projects/-work"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/faf003cb.jsonl"
        try FileManager.default.copyItem(atPath: transcript, toPath: file)
        return (workspace, file)
    }

    static func row(_ result: ProcessResult) throws -> [String: Any] {
        let rows = try #require(try result.jsonObject()["rows"] as? [[String: Any]])
        try #require(rows.count == 1, "\(result)")
        return rows[0]
    }

    @Test func aTranscriptIsCountedAndPricedFromTheRegistry() throws {
        let (workspace, _) = try Self.workspace()
        let result = try succeed(try workspace.run("usage", "--period", "all", "--by", "model", "--json"))
        #expect(result.stderr.isEmpty, "\(result)")
        let row = try Self.row(result)
        #expect(row["key"] as? String == "claude-sonnet-5-5")
        #expect(row["calls"] as? Int == 2)
        let tokens = try #require(row["tokens"] as? [String: Any])
        #expect(tokens["input"] as? Int == 200 && tokens["output"] as? Int == 20 && tokens["cacheRead"] as? Int == 0)
        // The built-in anthropic list: 2.00 in, 10.00 out per million, so 200 × 2 + 20 × 10 micro-dollars.
        #expect(row["cost"] as? [String: String] == ["USD": "0.000600"])
        #expect(try workspace.run("usage", "--period", "all", "--json").jsonObject()["scan"] as? [String: Int] != nil)

        let table = try succeed(try workspace.run("usage", "--period", "all", "--by", "profile"))
        #expect(table.stdout.contains("claude") && table.stdout.contains("USD 0.0006"), "\(table)")
        let csv = try succeed(try workspace.run("usage", "--period", "all", "--by", "profile", "--csv"))
        #expect(csv.stdout.split(separator: "\n") == ["profile,calls,input,output,cache_write,cache_read,currency,cost,unpriced_models",
                                                      "claude,2,200,20,0,0,USD,0.000600,", "total,2,200,20,0,0,USD,0.000600,"])
        expect(try workspace.run("usage", "--period", "today", "--model", "no-such-model"), exit: Exit.ok, stdout: ["no usage in this period (today)"])
    }

    @Test func anUpdatedProviderManifestChangesTheCost() throws {
        let (workspace, _) = try Self.workspace()
        let registry = try workspace.registry("prices", name: "prices")
        try registry.write("providers/anthropic/1.1.0.yaml", ManifestText.provider("anthropic", "1.1.0", extra: """
            models:
              prices:
                currency: USD
                effective: 2026-12-01
                per_million_tokens:
                  claude-sonnet-5-5: {input: 4.00, output: 20.00}
            """))
        let before = try Self.row(try succeed(try workspace.run("usage", "--period", "all", "--by", "model", "--json")))
        #expect(before["cost"] as? [String: String] == ["USD": "0.000600"])
        _ = try succeed(try workspace.run("registry", "add", "prices", registry.path, "--priority", "80"))
        let after = try Self.row(try succeed(try workspace.run("usage", "--period", "all", "--by", "model", "--json")))
        #expect(after["cost"] as? [String: String] == ["USD": "0.001200"], "200 × 4 + 20 × 20 micro-dollars")
    }

    @Test func malformedLinesAreSkippedWithAWarningAndUnpricedModelsSaidSo() throws {
        let (workspace, file) = try Self.workspace()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("""
            {"type":"assistant","message":{"id":"m-cut","usage":{"input_tokens":5
            {"type":"assistant","message":{"id":"m-x","model":"mystery-9","usage":{"input_tokens":5,"output_tokens":1}},"timestamp":"2026-11-22T07:00:00Z"}
            {"type":"assistant","message":{"id":"m-half","model":"mystery-9"
            """.utf8))
        try handle.close()
        let result = try workspace.run("usage", "--period", "all", "--by", "model")
        expect(result, exit: Exit.ok, stderr: ["warning: skipped 1 malformed line in the agents' records (first: \(file):byte "],
               stdout: ["mystery-9", "unpriced", "unpriced (no provider manifest lists a price): mystery-9 — 6 tokens"])
        let json = try succeed(try workspace.run("usage", "--period", "all", "--json")).jsonObject()
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["unpricedModels"] as? [String] == ["mystery-9"])
        #expect(total["cost"] as? [String: String] == ["USD": "0.000600"], "the priced part is still counted")
    }

    @Test(arguments: [["--period", "fortnight"], ["--by", "week"], ["--json", "--csv"]])
    func badOptionsAreUsageErrors(arguments: [String]) throws {
        let (workspace, _) = try Self.workspace()
        #expect(try workspace.run(["usage"] + arguments).status == Exit.usage)
    }
}

/// The real Claude Code, run by `ringlet profiles run` against the Anthropic double (which reports 100
/// input and 10 output tokens for every answer): `ringlet usage` shows exactly those counts, under the
/// run's session, at the built-in price of the model Claude Code asked for.
@Suite(.enabled(if: getuid() == 0, "needs root to create the unprivileged user"),
       .enabled(if: ClaudeCode.binary != nil, Comment(rawValue: ClaudeCode.missingReason)))
struct ClaudeCodeUsageTests {
    @Test func aRealRunsTokensAndCostAreReported() throws {
        let world = try UnprivilegedWorld(user: try UnprivilegedUser.ensure(), prefix: "ringlet-claude-usage")
        defer { world.remove() }
        let double = try AnthropicDouble(script: [
            .toolUse("Bash", input: ["command": "echo counted > counted.txt"], id: "toolu_usage_1"),
            .text("Counted."),
        ])
        defer { double.stop() }
        let claude = try #require(ClaudeCode.binary)
        let environment = ["PATH": (claude as NSString).deletingLastPathComponent + ":/usr/bin:/bin", "TEST_KEY": "sk-ant-test-double"]
        func ringlet(_ arguments: [String]) throws -> ProcessResult { try world.ringlet(arguments, environment: environment) }
        #expect(try ringlet(["config", "set", "credentials.backend", "file"]).status == 0)
        try #require(try ringlet(["profiles", "create", "work", "--agent", "claude", "--provider", "custom", "--endpoint", double.baseURL,
                                  "--model", "claude-sonnet-5-5", "--api-key-env", "TEST_KEY", "--workspace", world.project]).status == 0)
        let run = try ringlet(["profiles", "run", "work", "--env", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "--",
                               "-p", "count something", "--output-format", "json"])
        try #require(run.status == 0, "\(run)")
        let output = try run.jsonObject()
        let requests = try double.requests
        let turns = requests.filter(\.isMainTurn).count
        try #require(turns >= 2, "\(requests.count) requests")
        let model = try #require((output["modelUsage"] as? [String: Any])?.keys.first, "\(run)")
        #expect(model == "claude-sonnet-5-5", "\(run)")

        let usage = try ringlet(["usage", "--period", "all", "--by", "session", "--json"])
        #expect(usage.status == 0, "\(usage)")
        let report = try usage.jsonObject()
        let rows = try #require(report["rows"] as? [[String: Any]])
        try #require(rows.count == 1, "\(usage)")
        let session = try #require(rows[0]["key"] as? String)
        #expect(session.hasPrefix("run-"), "attributed to the run's session: \(usage)")
        let tokens = try #require(rows[0]["tokens"] as? [String: Any])
        #expect(tokens["input"] as? Int == 100 * turns && tokens["output"] as? Int == 10 * turns, "\(usage)")
        #expect(rows[0]["calls"] as? Int == turns)
        // Priced at the built-in anthropic list (the custom provider lists no prices): 2.00 in, 10.00 out.
        let micros = (100 * 2 + 10 * 10) * turns
        #expect(rows[0]["cost"] as? [String: String] == ["USD": "0.\(String(repeating: "0", count: 6 - String(micros).count))\(micros)"], "\(usage)")
        // Claude Code's own figure agrees.
        #expect(abs((output["total_cost_usd"] as? Double ?? 0) - Double(micros) / 1e6) < 1e-9, "\(run)")
        let bySession = try ringlet(["usage", "--period", "all", "--session", session, "--by", "model", "--json"])
        #expect((try bySession.jsonObject()["rows"] as? [[String: Any]])?.first?["key"] as? String == model, "\(bySession)")
    }
}
