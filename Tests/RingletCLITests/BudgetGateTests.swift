import Foundation
import RingletTestSupport
import Testing

/// A profile over its `budget:` is refused before its agent starts, unless it says `on_exceed: warn`;
/// the spending comes from the agent's own transcript in the profile's HOME, priced by the built-in
/// anthropic manifest.
@Suite struct BudgetGateTests {
    @Test func aProfileOverItsDailyBudgetIsRefusedAndOneThatOnlyWarnsRuns() throws {
        let workspace = try RingletWorkspace()
        let bin = try workspace.folder("bin")
        try "#!/bin/sh\necho fake claude\n".write(toFile: bin + "/claude", atomically: true, encoding: .utf8)
        chmod(bin + "/claude", 0o755)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        try succeed(try workspace.run("config", "set", "credentials.backend", "file"))
        try succeed(try workspace.run(["profiles", "create", "spender", "--agent", "claude", "--provider", "anthropic",
                                       "--workspace", try workspace.folder("project"), "--api-key-env", "KEY"],
                                      environment: ["KEY": "sk-ant-test-0123456789"]))
        let profile = workspace.home + "/config/profiles/spender.yaml"
        try (try String(contentsOfFile: profile, encoding: .utf8) + "budget: {daily: 1, currency: USD}\n").write(toFile: profile, atomically: true, encoding: .utf8)

        // One call today with a million output tokens: far over one dollar at any Sonnet price.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let line = #"{"type":"assistant","sessionId":"s1","timestamp":"\#(formatter.string(from: Date()))","message":{"id":"msg_1","model":"claude-sonnet-5-5","usage":{"input_tokens":100,"output_tokens":1000000,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}"#
        let transcripts = workspace.home + "/data/homes/spender/.claude/projects/p"
        try FileManager.default.createDirectory(atPath: transcripts, withIntermediateDirectories: true)
        try (line + "\n").write(toFile: transcripts + "/s1.jsonl", atomically: true, encoding: .utf8)

        let refused = try workspace.run(["profiles", "run", "spender"], environment: ["PATH": path])
        expect(refused, exit: Exit.failure, stderr: ["profile spender is over its budget (daily USD", "on_exceed: warn"])
        #expect(!refused.stdout.contains("fake claude"))
        let audit = try succeed(try workspace.run("audit", "query", "--type", "budget", "--json")).stdout
        #expect(audit.contains("\"deny\"") && audit.contains("exceeded"), "\(audit)")

        try (try String(contentsOfFile: profile, encoding: .utf8).replacingOccurrences(of: "currency: USD}", with: "currency: USD, on_exceed: warn}"))
            .write(toFile: profile, atomically: true, encoding: .utf8)
        let warned = try workspace.run(["profiles", "run", "spender"], environment: ["PATH": path])
        #expect(warned.stderr.contains("warning: profile spender has spent daily USD") && !warned.stderr.contains("over its budget"), "\(warned)")
    }
}
