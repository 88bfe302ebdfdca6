import RingletManifest
import RingletYAML
import Testing

/// The body of an `egg.yaml`: file rules, environment, resources and the rest, checked and located.
@Suite struct EggPolicyTests {
    private func policy(_ text: String) throws -> EggPolicy {
        let root = try #require(try YAMLParser.parse(Array(text.utf8), file: "egg.yaml"))
        return try EggPolicy(try YAMLMapping(root))
    }

    private func refusal(_ text: String) -> String? {
        do {
            _ = try policy(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func fileRulesKeepAccessPathAndLocation() throws {
        let egg = try policy("""
            fs:
              - rw:.
              - ro:~/src
              - deny:$HOME/.ssh
              - deny-write:build/out
              - "ro:/mnt/a:b"
            """)
        #expect(egg.fileRules.map(\.access) == [.rw, .ro, .deny, .denyWrite, .ro])
        // Paths stay as written; `~`, `$VAR` and relative paths expand at composition time.
        #expect(egg.fileRules.map(\.path) == [".", "~/src", "$HOME/.ssh", "build/out", "/mnt/a:b"])
        #expect(egg.fileRules.map(\.location.line) == [2, 3, 4, 5, 6])
        #expect(egg.fileRules.allSatisfy { $0.location.column == 5 && $0.location.file == "egg.yaml" })
        #expect(egg.allowOverrides.isEmpty)
    }

    @Test func allowOverrideIsItsOwnListOfRules() throws {
        let egg = try policy("fs: [deny:~/.aws]\nallow-override: [ro:~/.aws/config]\n")
        #expect(egg.fileRules.map(\.path) == ["~/.aws"])
        #expect(egg.allowOverrides.map(\.access) == [.ro])
        #expect(egg.allowOverrides.map(\.path) == ["~/.aws/config"])
    }

    @Test(arguments: [
        ("fs: [rw/etc]", "egg.yaml:1:6: 'rw/etc' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        ("fs: [\"deny:\"]", "egg.yaml:1:6: 'deny:' names no path"),
        ("fs: [\"write:/tmp\"]", "egg.yaml:1:6: 'write:/tmp' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        ("fs: [\"RW:/tmp\"]", "egg.yaml:1:6: 'RW:/tmp' is not a file rule (expected rw:PATH, ro:PATH, deny:PATH, deny-write:PATH)"),
        ("allow-override: [\"ro:\"]", "egg.yaml:1:18: 'ro:' names no path"),
        ("fs: rw:.", "egg.yaml:1:5: 'fs' must be a list, found 'rw:.'"),
    ])
    func malformedFileRulesAreRefused(source: String, message: String) {
        #expect(refusal(source) == message)
    }

    @Test func environmentSplitsPassThroughFromSettings() throws {
        let egg = try policy("env: [TERM, LANG, EDITOR=vim, EMPTY=, URL=a=b]\n")
        #expect(egg.environmentPassThrough == ["TERM", "LANG"])
        #expect(egg.environmentSettings.map(\.name) == ["EDITOR", "EMPTY", "URL"])
        #expect(egg.environmentSettings.map(\.value) == ["vim", "", "a=b"], "only the first '=' separates name and value")
    }

    @Test(arguments: [
        ("env: [1X]", "egg.yaml:1:7: '1X' must be a variable name, a NAME_* pattern or NAME=value"),
        ("env: [\"=value\"]", "egg.yaml:1:7: '=value' must be a variable name, a NAME_* pattern or NAME=value"),
        ("env: [\"MY VAR=1\"]", "egg.yaml:1:7: 'MY VAR=1' must be a variable name, a NAME_* pattern or NAME=value"),
        ("env: [A-B]", "egg.yaml:1:7: 'A-B' must be a variable name, a NAME_* pattern or NAME=value"),
        ("env: {TERM: xterm}", "egg.yaml:1:6: 'env' must be a list, found a mapping"),
    ])
    func malformedEnvironmentIsRefused(source: String, message: String) {
        #expect(refusal(source) == message)
    }

    @Test func resourcesDecodeWithUnits() throws {
        let egg = try policy("resources:\n  cpu: 90s\n  memory: 512M\n  max_fds: 1024\n  max_pids: 64\n")
        #expect(egg.resources.cpu?.milliseconds == 90_000)
        #expect(egg.resources.memory?.bytes == 512 << 20)
        #expect(egg.resources.memory?.description == "512M")
        #expect(egg.resources.maxFileDescriptors == 1024)
        #expect(egg.resources.maxProcesses == 64)
    }

    @Test func absentResourcesAreUnlimitedNotZero() throws {
        let egg = try policy("network: []\n")
        #expect(egg.resources.memory == nil && egg.resources.cpu == nil)
        #expect(egg.resources.maxFileDescriptors == nil && egg.resources.maxProcesses == nil)
    }

    @Test(arguments: [
        ("resources: {memory: lots}", "egg.yaml:1:21: 'memory' must be a size like 512M or 4G, found 'lots'"),
        ("resources: {memory: 0}", "egg.yaml:1:21: 'memory' must be a size like 512M or 4G, found '0'"),
        ("resources: {memory: 0G}", "egg.yaml:1:21: 'memory' must be a size like 512M or 4G, found '0G'"),
        ("resources: {cpu: 10}", "egg.yaml:1:18: 'cpu' must be a duration above zero like 500ms, 10s or 5m, found '10'"),
        ("resources: {max_pids: 0}", "egg.yaml:1:23: 'max_pids' must be a positive number, found 0"),
        ("resources: {max_fds: -1}", "egg.yaml:1:22: 'max_fds' must be a positive number, found -1"),
        ("resources: {max_fds: many}", "egg.yaml:1:22: 'max_fds' must be an integer, found 'many'"),
        ("resources: {max_pid: 10}", "egg.yaml:1:13: unknown key 'max_pid' (did you mean 'max_pids'?)"),
        ("resources: [memory]", "egg.yaml:1:12: 'resources' must be a mapping, found a list"),
    ])
    func malformedResourcesAreRefused(source: String, message: String) {
        #expect(refusal(source) == message)
    }

    /// `memory: 0`, `max_fds: 0` and `max_pids: 0` are refused as limits nothing could run under; a zero
    /// CPU-time limit is the same kind of mistake (RLIMIT_CPU 0 kills the agent at once).
    @Test func zeroCPULimitIsRefusedLikeTheOtherZeroLimits() {
        #expect(refusal("resources: {cpu: 0s}")?.hasSuffix("'cpu' must be a duration above zero like 500ms, 10s or 5m, found '0s'") == true)
    }

    @Test(arguments: [
        ("network: []", EggPolicy.Base.defaults),
        ("base: none", .none),
        ("base: ../team/egg.yaml", .file("../team/egg.yaml")),
        ("base: ~/eggs/strict.yaml", .file("~/eggs/strict.yaml")),
    ])
    func baseIsDefaultsNoneOrAFile(source: String, base: EggPolicy.Base) throws {
        #expect(try policy(source).base == base)
    }

    @Test func permissionsFlagIsAStrictBoolean() throws {
        #expect(try policy("dangerously_skip_permissions: true").dangerouslySkipPermissions == true)
        #expect(try policy("dangerously_skip_permissions: false").dangerouslySkipPermissions == false)
        #expect(try policy("network: []").dangerouslySkipPermissions == nil)
        #expect(refusal("dangerously_skip_permissions: yes")
            == "egg.yaml:1:31: 'dangerously_skip_permissions' must be true or false, found 'yes'")
    }

    @Test func agentSettingsAreKeptAsWritten() throws {
        let egg = try policy("agent_settings:\n  theme: dark\n  verbose: no\n")
        let settings = try YAMLMapping(try #require(egg.agentSettings))
        #expect(settings.keys == ["theme", "verbose"])
        #expect(try settings.string("verbose") == "no")
    }

    @Test func unknownTopLevelKeyIsRefusedWithAHint() {
        #expect(refusal("resource:\n  memory: 1G\n") == "egg.yaml:1:1: unknown key 'resource' (did you mean 'resources'?)")
        #expect(refusal("allow_override: []\n") == "egg.yaml:1:1: unknown key 'allow_override' (did you mean 'allow-override'?)")
    }
}
