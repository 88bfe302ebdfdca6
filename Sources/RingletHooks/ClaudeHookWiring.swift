import RingletSystem

/// Claude Code's side of the hooks: a `PreToolUse` entry for every tool in the profile home's
/// `.claude/settings.json` that runs Ringlet's dispatcher, which blocks the call with exit code 2 and
/// the reason on stderr (Claude Code's contract for a blocking hook).
///
/// The dispatcher is at a fixed path inside the sandbox (`/run/ringlet/bin/ringlet`, bound read-only);
/// a run without a sandbox names the host's ringlet in RINGLET_DISPATCHER instead. The line ends in
/// `|| exit 2` so that a dispatcher that cannot run at all still denies: any other non-zero status
/// would let Claude Code go on. The file is Ringlet's, rewritten whole, and held read-only in the sandbox.
public enum ClaudeHookWiring {
    public static let dispatcherPath = "/run/ringlet/bin/ringlet"
    public static let file = ".claude/settings.json"

    public static func settings(profile: String) -> String {
        let command = "\"${RINGLET_DISPATCHER:-\(dispatcherPath)}\" hooks dispatch --profile \(profile) || exit 2"
        return """
            {
              "hooks": {
                "PreToolUse": [
                  {
                    "matcher": "*",
                    "hooks": [{ "type": "command", "command": "\(command.replacing("\"", with: "\\\""))", "timeout": 600 }]
                  }
                ]
              }
            }

            """
    }

    public static func write(profile: String, home: String) throws(SystemError) {
        try Directory.create(home + "/.claude", mode: 0o700)
        try AtomicFile.write(settings(profile: profile), to: home + "/" + file, mode: 0o644)
    }
}
