import Foundation

/// The real Claude Code CLI, for tests that prove what ringlet relies on against the agent itself
/// rather than a stand-in. It is not part of the repository (a ~380 MB executable): `scripts/fetch-claude-code`
/// puts it at `.build/claude-code/claude`, and the tests that need it are skipped when it is absent:
/// `@Suite(.enabled(if: ClaudeCode.binary != nil, Comment(rawValue: ClaudeCode.missingReason)))`.
public enum ClaudeCode {
    /// The `claude` executable: `RINGLET_CLAUDE_BINARY` when set (taken as given, so a wrong path fails
    /// loudly instead of skipping), else `.build/claude-code/claude` in the package when it is there.
    public static let binary: String? = locate()

    /// Why the tests that need Claude Code were skipped.
    public static let missingReason =
        "Claude Code is not fetched: run scripts/fetch-claude-code (needs PyPI) or set RINGLET_CLAUDE_BINARY"

    /// The environment that points Claude Code at `double` and keeps it off the internet, to add to a
    /// minimal one (PATH, HOME, LANG).
    ///
    /// `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC` is what keeps it offline: without it Claude Code
    /// 2.1.330 resolves api.anthropic.com and sends a connectivity `HEAD /api/hello` even with a base
    /// URL set; with it (checked with strace) its only connection is to the base URL. It also implies
    /// no telemetry, error reporting or update checks; `DISABLE_AUTOUPDATER` is kept as the explicit
    /// word for the one that would write to the installation. The key is fake: the double ignores it,
    /// but without an `ANTHROPIC_API_KEY` Claude Code sends nothing and answers "Not logged in".
    public static func environment(for double: AnthropicDouble) -> [String: String] {
        [
            "ANTHROPIC_BASE_URL": double.baseURL,
            "ANTHROPIC_API_KEY": "sk-ant-test-double",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
        ]
    }

    private static func locate() -> String? {
        if let explicit = ProcessInfo.processInfo.environment["RINGLET_CLAUDE_BINARY"], !explicit.isEmpty { return explicit }
        guard let root = packageRoot() else { return nil }
        let fetched = root + "/.build/claude-code/claude"
        return FileManager.default.isExecutableFile(atPath: fetched) ? fetched : nil
    }

    /// The folder holding Package.swift above the test bundle. Walking up, not a fixed `.build/debug`
    /// shape, because tests run from any scratch path (`--scratch-path .build-claude`) while the fetch
    /// script always writes under `.build`.
    static func packageRoot() -> String? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent().standardizedFileURL
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder.path }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
