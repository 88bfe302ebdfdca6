import Foundation
import RingletTestSupport
import Testing

/// `ringlet profiles …` and `ringlet hooks …` from the built binary, on the file credential store.
@Suite struct ProfileCommandsTests {
    let workspace: RingletWorkspace
    let project: String
    static let key = "sk-ant-test-0123456789abcdef"

    init() throws {
        workspace = try RingletWorkspace()
        project = try workspace.repository("project")
        _ = try workspace.run("config", "set", "credentials.backend", "file")
    }

    var profiles: String { workspace.home + "/config/profiles" }

    func ringlet(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try workspace.ringlet.run(arguments, in: project, environment: environment, stdin: stdin)
    }

    func createClaude(_ name: String = "work", extra: [String] = []) throws -> ProcessResult {
        try ringlet(["profiles", "create", name, "--agent", "claude", "--provider", "anthropic", "--model", "sonnet", "--api-key-stdin"] + extra,
                    stdin: Self.key + "\n")
    }

    @Test func createListInspectAndTheKeyNeverShows() throws {
        let created = try createClaude()
        #expect(created.status == 0, "\(created)")
        let list = try ringlet(["profiles", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["work"])
        #expect(rows.first?["model"] as? String == "sonnet")
        let inspect = try ringlet(["profiles", "inspect", "work"])
        #expect(inspect.stdout.contains("****…cdef"), "\(inspect)")
        let env = try ringlet(["profiles", "env", "work"])
        #expect(env.stdout.contains("# ANTHROPIC_API_KEY is set from the credential store"), "\(env)")
        for output in [created, list, inspect, env] { #expect(!(output.stdout + output.stderr).contains(Self.key)) }
        let file = try String(contentsOfFile: profiles + "/work.yaml", encoding: .utf8)
        #expect(!file.contains(Self.key) && file.contains("agent: claude") && file.contains("model: sonnet"), "\(file)")
        let credentials = workspace.home + "/config/credentials.yaml"
        let mode = try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The profile's own HOME, with the agent's config folder and the hook wiring.
        let settings = try String(contentsOfFile: workspace.home + "/data/homes/work/.claude/settings.json", encoding: .utf8)
        #expect(settings.contains("\"PreToolUse\"") && settings.contains(#"\"${RINGLET_DISPATCHER:-/run/ringlet/bin/ringlet}\" hooks dispatch --profile work || exit 2"#),
                "\(settings)")
    }

    @Test func anAgentWithoutAModelAPINeedsNoProvider() throws {
        let created = try ringlet(["profiles", "create", "plain", "--agent", "shell"])
        #expect(created.status == 0, "\(created)")
        #expect(created.stderr.contains("has no hook support"), "\(created)")
        let refused = try ringlet(["profiles", "create", "nokey", "--agent", "claude"])
        #expect(refused.status == 2 && refused.stderr.contains("give --provider"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: profiles + "/nokey.yaml"))
    }

    @Test(arguments: [
        (["profiles", "create", "Bad Name", "--agent", "shell"], 2, "profile name"),
        (["profiles", "create", "x", "--agent", "claude", "--provider", "anthropic", "--endpoint", "nowhere"], 2, "no endpoint named nowhere"),
        (["profiles", "create", "x", "--agent", "shell", "--workspace", "/nonexistent"], 2, "is not a folder"),
        (["profiles", "create", "x", "--agent", "no-such-agent"], 1, "no-such-agent"),
        (["profiles", "inspect", "ghost"], 1, "no profile 'ghost'"),
    ] as [([String], Int32, String)])
    func badInputChangesNothing(arguments: [String], status: Int32, message: String) throws {
        let result = try ringlet(arguments)
        #expect(result.status == status, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: profiles)) ?? []).isEmpty)
    }

    @Test func anExistingProfileIsNotOverwritten() throws {
        #expect(try createClaude().status == 0)
        let before = try String(contentsOfFile: profiles + "/work.yaml", encoding: .utf8)
        let again = try ringlet(["profiles", "create", "work", "--agent", "shell"])
        #expect(again.status == 1 && again.stderr.contains("exists"), "\(again)")
        #expect(try String(contentsOfFile: profiles + "/work.yaml", encoding: .utf8) == before)
    }

    @Test func editKeepsWhatTheUserWroteAndDeleteRemovesTheKey() throws {
        #expect(try createClaude().status == 0)
        let file = profiles + "/work.yaml"
        try (try String(contentsOfFile: file, encoding: .utf8) + "sandbox:\n  network: [pypi.org]\n").write(toFile: file, atomically: true, encoding: .utf8)
        let edited = try ringlet(["profiles", "edit", "work", "--model", "opus"])
        #expect(edited.status == 0, "\(edited)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("model: opus") && !text.contains("sonnet") && text.contains("network: [pypi.org]"), "\(text)")
        #expect(try ringlet(["keychain", "list"]).stdout.contains("work"))

        let deleted = try ringlet(["profiles", "delete", "work"])
        #expect(deleted.status == 0, "\(deleted)")
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(!(try ringlet(["keychain", "list"]).stdout.contains("work")), "the key went with the profile")
        #expect(FileManager.default.fileExists(atPath: workspace.home + "/data/homes/work"), "the HOME is kept")
    }

    @Test func hooksAddListTestAndRemove() throws {
        #expect(try createClaude().status == 0)
        let script = try workspace.write("no-force.sh", "#!/bin/sh\nif grep -q -- '--force'; then echo 'no force pushes' >&2; exit 1; fi\n")
        chmod(script, 0o755)
        #expect(try ringlet(["hooks", "add", "work", "--on", "pre-tool-use", "--shell", "echo \"$RINGLET_TOOL_INPUT\" | grep -qv 'rm -rf' || { echo 'no rm -rf' >&2; exit 1; }",
                             "--match", "Bash", "--name", "no-rm"]).status == 0)
        #expect(try ringlet(["hooks", "add", "work", "--on", "pre-tool-use", "--script", script, "--name", "no-force", "--timeout", "5s"]).status == 0)
        let list = try ringlet(["hooks", "list", "work"])
        #expect(list.stdout.contains("no-rm") && list.stdout.contains("no-force") && list.stdout.contains("5s"), "\(list)")
        try "#!/bin/sh\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)

        let denied = try ringlet(["hooks", "test", "work", "--tool", "Bash", "--input", "{\"command\": \"git push --force\"}"])
        #expect(denied.status == 1, "the copy made at add time judges, not the file changed since: \(denied)")
        #expect(denied.stdout.contains("no force pushes") && denied.stdout.contains("Bash: denied"), "\(denied)")
        let allowed = try ringlet(["hooks", "test", "work", "--tool", "Bash", "--input", "{\"command\": \"ls\"}", "--json"])
        #expect(allowed.status == 0 && allowed.stdout.contains("\"allowed\" : true"), "\(allowed)")

        #expect(try ringlet(["hooks", "remove", "work", "no-force"]).status == 0)
        #expect(!(try ringlet(["hooks", "list", "work"]).stdout.contains("no-force")))
        let missing = try ringlet(["hooks", "remove", "work", "no-force"])
        #expect(missing.status == 1 && missing.stderr.contains("no hook named no-force"), "\(missing)")
    }

    @Test func theDispatcherDeniesWhenNoServiceAnswers() throws {
        let result = try ringlet(["hooks", "dispatch", "--profile", "work"], stdin: "{\"tool_name\":\"Bash\",\"tool_input\":{}}",
                                 environment: ["RINGLET_HOOKS_PORT": "9"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("the tool call is denied"), "\(result)")
    }

    /// The wiring end to end with a stand-in agent that calls the dispatcher the way Claude Code does
    /// (the real Claude Code is ClaudeCodeProfileTests): in the sandbox, through the run's hook service.
    @Test func aProfileRunGatesToolCallsThroughTheTrustedSide() throws {
        let prefix = try workspace.folder("npm-prefix")
        let cli = try TemporaryDirectory.write("#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c \"$last\"\n", to: prefix + "/bin/claude")
        chmod(cli, 0o755)
        #expect(try createClaude().status == 0)
        #expect(try ringlet(["hooks", "add", "work", "--on", "pre-tool-use", "--match", "Bash", "--name", "no-rm",
                             "--shell", "if echo \"$RINGLET_TOOL_INPUT\" | grep -q 'rm -rf'; then echo 'no rm -rf here' >&2; exit 1; fi"]).status == 0)
        let ask = { (command: String) in
            "echo '{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"\(command)\"}}' | /run/ringlet/bin/ringlet hooks dispatch --profile work || exit 2"
        }
        let script = "(\(ask("rm -rf /"))); echo \"rm: $?\"; (\(ask("ls"))); echo \"ls: $?\"; echo \"key: ${ANTHROPIC_API_KEY:+set}\"; echo x >> ~/.claude/settings.json"
        let result = try ringlet(["profiles", "run", "work", "--", script], environment: ["PATH": prefix + "/bin:/usr/bin:/bin"])
        #expect(result.stdout == "rm: 2\nls: 0\nkey: set\n", "\(result)")
        #expect(result.stderr.contains("no-rm: no rm -rf here"), "the reason reaches the agent: \(result)")
        #expect(result.stderr.contains("Read-only file system"), "the wiring is read-only inside: \(result)")
        let log = try String(contentsOfFile: workspace.home + "/state/hooks.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2 && log[0].contains("\"verdict\":\"deny\"") && log[1].contains("\"verdict\":\"allow\""), "\(log)")
        #expect(!log.joined().contains(Self.key))

        // The audit log has the launch, both decisions and the end, chained, and no key.
        let audit = try ringlet(["audit", "export"])
        let types = audit.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
        }
        #expect(types == ["launch", "hook", "hook", "session"], "\(audit)")
        #expect(!audit.stdout.contains(Self.key))
        let denied = try ringlet(["audit", "query", "--type", "hook", "--verdict", "deny", "--json"])
        #expect(denied.stdout.split(separator: "\n").count == 1 && denied.stdout.contains("rm -rf /"), "\(denied)")
        #expect(try ringlet(["audit", "verify"]).status == 0)
    }

    @Test func everyTemplateMakesAProfile() throws {
        let listing = try ringlet(["profiles", "templates", "--json"])
        let templates = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        #expect(templates.count >= 6, "\(listing)")
        for template in templates {
            let name = try #require(template["name"] as? String)
            let endpoint = template["provider"] as? String == "custom" ? ["--endpoint", "http://127.0.0.1:8080"] : []
            let created = try ringlet(["profiles", "create", "from-" + name, "--template", name, "--api-key-env", "TEST_KEY"] + endpoint,
                                      environment: ["TEST_KEY": "k"])
            #expect(created.status == 0, "\(name): \(created)")
        }
    }

    @Test func optionsWinOverTheTemplate() throws {
        let created = try ringlet(["profiles", "create", "work", "--template", "claude-anthropic", "--model", "opus", "--api-key-stdin"], stdin: "k\n")
        #expect(created.status == 0, "\(created)")
        let text = try String(contentsOfFile: profiles + "/work.yaml", encoding: .utf8)
        #expect(text.contains("agent: claude@^2") && text.contains("provider: anthropic") && text.contains("model: opus"), "\(text)")
        let unknown = try ringlet(["profiles", "create", "other", "--template", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no template nope; there are: "), "\(unknown)")
        let custom = try ringlet(["profiles", "create", "gateway", "--template", "claude-custom"])
        #expect(custom.status == 2 && custom.stderr.contains("give --endpoint URL"), "\(custom)")
    }

    /// Without the sandbox the wiring finds the host's ringlet and a hook service on the host's loopback.
    @Test func aRunWithoutTheSandboxStillJudgesHooks() throws {
        let prefix = try workspace.folder("npm-prefix")
        let cli = try TemporaryDirectory.write("#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c \"$last\"\n", to: prefix + "/bin/claude")
        chmod(cli, 0o755)
        #expect(try createClaude().status == 0)
        #expect(try ringlet(["hooks", "add", "work", "--on", "pre-tool-use", "--name", "no-rm",
                             "--shell", "if echo \"$RINGLET_TOOL_INPUT\" | grep -q 'rm -rf'; then echo 'no rm -rf here' >&2; exit 1; fi"]).status == 0)
        let script = #"echo '{"tool_name":"Bash","tool_input":{"command":"rm -rf /"}}' | "${RINGLET_DISPATCHER:-/run/ringlet/bin/ringlet}" hooks dispatch --profile work || echo "denied $?""#
        let result = try ringlet(["profiles", "run", "work", "--no-sandbox", "--", script], environment: ["PATH": prefix + "/bin:/usr/bin:/bin"])
        #expect(result.stdout == "denied 2\n", "\(result)")
        #expect(result.stderr.contains("WARNING: --no-sandbox") && result.stderr.contains("no-rm: no rm -rf here"), "\(result)")
        let audited = try ringlet(["audit", "query", "--type", "no-sandbox", "--json"])
        #expect(audited.stdout.split(separator: "\n").count == 1 && audited.stdout.contains("\"profile\":\"work\""), "\(audited)")
    }
}
