import Foundation
import RingletTestSupport
import Testing

/// `ringlet registry lock|verify`, `--locked` and CI: every way the registries can drift from
/// `ringlet.lock` is exit 3 with a message naming what changed; a broken lockfile is exit 2 with its location.
@Suite struct LockfileTests {
    /// Folder registry `acme` (agent foo 1.0.0) added, and project `proj` locked to `foo@^1` and `anthropic`.
    static func lockedProject(in workspace: RingletWorkspace) throws -> (acme: RegistryFixture, project: String) {
        let acme = try workspace.registry("acme")
        try acme.agent("foo", "1.0.0")
        try succeed(try workspace.run("registry", "add", "acme", acme.path))
        let project = try workspace.folder("proj")
        let lock = try workspace.run("registry", "lock", "--agent", "foo@^1", "--provider", "anthropic", in: project)
        expect(lock, exit: Exit.ok, stdout: ["wrote \(project)/ringlet.lock"])
        return (acme, project)
    }

    static func verify(_ workspace: RingletWorkspace, in project: String) throws -> ProcessResult {
        try workspace.run("registry", "verify", in: project)
    }

    @Test func aFreshLockVerifies() throws {
        let workspace = try RingletWorkspace()
        let (acme, project) = try Self.lockedProject(in: workspace)

        // Scalars may be quoted or not: compare with the quotes taken out.
        let text = try String(contentsOfFile: project + "/ringlet.lock", encoding: .utf8).replacingOccurrences(of: "\"", with: "")
        for line in ["version: 1", "- kind: agent", "  ref: foo@^1", "  registry: acme", "  source: \(acme.path)", "  id: foo",
                     "  version: 1.0.0", "  sha256: \(try SHA256Sum.of(file: acme.file("agents/foo/1.0.0.yaml")))",
                     "- kind: provider", "  ref: anthropic", "  registry: builtin"] {
            #expect(text.contains(line + "\n"), "ringlet.lock lacks \"\(line)\":\n\(text)")
        }
        expect(try Self.verify(workspace, in: project), exit: Exit.ok, stdout: ["\(project)/ringlet.lock holds: 2 pins verified"])
        let report = try succeed(try workspace.run("registry", "verify", "--json", in: project)).jsonObject()
        #expect(report["lockfile"] as? String == project + "/ringlet.lock")
        #expect(report["pins"] as? Int == 2)
        #expect((report["differences"] as? [String]) == [])
        expect(try workspace.run("agents", "inspect", "foo@^1", "--locked", in: project), exit: Exit.ok, stdout: ["agent foo 1.0.0"])
    }

    @Test func lockWritesToTheNearestLockfileUpTheTree() throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        let deep = try workspace.folder("proj/src/module")

        expect(try workspace.run("registry", "lock", "--agent", "claude", in: deep), exit: Exit.ok, stdout: ["wrote \(project)/ringlet.lock"])
        #expect(!workspace.exists(deep + "/ringlet.lock"))
        expect(try Self.verify(workspace, in: deep), exit: Exit.ok, stdout: ["\(project)/ringlet.lock holds: 3 pins verified"])
        expect(try workspace.run("agents", "inspect", "claude", "--locked", in: deep), exit: Exit.ok)
    }

    @Test(arguments: [(["--agent", "nope"], Exit.failure, "no agent 'nope' in any registry"),
                      (["--agent", "foo@^7"], Exit.failure, "no version of agent 'foo@^7' matches; available: 1.0.0 (acme)"),
                      (["--provider", "Bad@"], Exit.usage, "invalid reference 'Bad@'"),
                      ([], Exit.usage, "nothing to lock")])
    func aLockThatCannotResolveWritesNothing(arguments: [String], status: Int32, message: String) throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        try FileManager.default.removeItem(atPath: project + "/ringlet.lock")
        let fresh = try workspace.folder("fresh")

        expect(try workspace.run(["registry", "lock"] + arguments, in: fresh), exit: status, stderr: ["error: " + message])
        #expect(!workspace.exists(fresh + "/ringlet.lock"))
    }

    @Test func aNewVersionTheRangeAcceptsIsDrift() throws {
        let workspace = try RingletWorkspace()
        let (acme, project) = try Self.lockedProject(in: workspace)
        // Outside the range: not drift.
        try acme.agent("foo", "2.0.0")
        expect(try Self.verify(workspace, in: project), exit: Exit.ok)

        try acme.agent("foo", "1.2.0")
        let line = "agent 'foo@^1': it now resolves to foo 1.2.0 from 'acme'; the lock pins foo 1.0.0 from 'acme'"
        expect(try Self.verify(workspace, in: project), exit: Exit.drift, stderr: ["error: \(project)/ringlet.lock no longer holds:", line])
        let json = try workspace.run("registry", "verify", "--json", in: project)
        #expect(json.status == Exit.drift)
        #expect(try json.jsonObject()["differences"] as? [String] == [line])
        expect(try workspace.run("agents", "inspect", "foo@^1", "--locked", in: project), exit: Exit.drift, stderr: [line])
    }

    @Test func bytesChangedUnderTheSameVersionAreDrift() throws {
        let workspace = try RingletWorkspace()
        let (acme, project) = try Self.lockedProject(in: workspace)
        let pinned = try SHA256Sum.of(file: acme.file("agents/foo/1.0.0.yaml"))
        try acme.append("agents/foo/1.0.0.yaml", "# edited in place\n")
        let now = try SHA256Sum.of(file: acme.file("agents/foo/1.0.0.yaml"))

        expect(try Self.verify(workspace, in: project), exit: Exit.drift,
               stderr: ["agent 'foo@^1': foo 1.0.0 from 'acme' changed in place: sha256 \(now), the lock pins \(pinned)"])
    }

    @Test func aRemovedRegistryIsDrift() throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        try succeed(try workspace.run("registry", "remove", "acme"))
        expect(try Self.verify(workspace, in: project), exit: Exit.drift,
               stderr: ["agent 'foo@^1': it is pinned to registry 'acme', which is no longer configured"])
    }

    @Test func aRegistryNowPointingElsewhereIsDrift() throws {
        let workspace = try RingletWorkspace()
        let (acme, project) = try Self.lockedProject(in: workspace)
        let copy = try RegistryFixture.copy(of: acme.path, to: workspace.path("acme-copy"))
        try succeed(try workspace.run("registry", "remove", "acme"))
        try succeed(try workspace.run("registry", "add", "acme", copy.path))
        expect(try Self.verify(workspace, in: project), exit: Exit.drift,
               stderr: ["registry 'acme' now points at \(copy.path); the lock pins \(acme.path)"])
    }

    /// Git registry `team` (foo 1.0.0 tagged v1) added at `ref`, and project `proj` locked to `team/foo`.
    static func lockedGitProject(in workspace: RingletWorkspace, ref: String) throws -> (GitRegistryFixture, project: String, commit: String) {
        let (source, commit) = try GitRegistryFixture.published(at: workspace.path("team-source"))
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", ref))
        let project = try workspace.folder("proj")
        try succeed(try workspace.run("registry", "lock", "--agent", "team/foo", in: project))
        return (source, project, commit)
    }

    @Test func aMovedGitTagIsDriftNamingTheTag() throws {
        let workspace = try RingletWorkspace()
        let (source, project, first) = try Self.lockedGitProject(in: workspace, ref: "v1")
        // The manifest is untouched: only the tag moves, and that alone is drift.
        try source.registry.write("README.md", "moved\n")
        let second = try source.commit("unrelated")
        try source.tag("v1", force: true)
        try succeed(try workspace.run("registry", "update", "team"))

        let result = try Self.verify(workspace, in: project)
        expect(result, exit: Exit.drift, stderr: ["agent 'team/foo': tag 'v1' of registry 'team' moved from \(first) to \(second)"])
        #expect(!result.stderr.contains("changed in place"))
    }

    @Test func aNewCommitOnABranchThatChangesNothingUsedIsNotDrift() throws {
        let workspace = try RingletWorkspace()
        let (source, project, _) = try Self.lockedGitProject(in: workspace, ref: "main")
        try source.registry.agent("bar", "1.0.0")
        try source.commit("another agent")
        try succeed(try workspace.run("registry", "update", "team"))
        expect(try Self.verify(workspace, in: project), exit: Exit.ok, stdout: ["holds: 1 pins verified"])
    }

    @Test func aPinnedCommitRewrittenAwayIsDrift() throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try GitRegistryFixture.published(at: workspace.path("team-source"))
        try source.registry.write("README.md", "soon gone\n")
        let doomed = try source.commit("to be force-pushed away")
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "main"))
        let project = try workspace.folder("proj")
        try succeed(try workspace.run("registry", "lock", "--agent", "team/foo", in: project))

        try source.dropLastCommit()
        try source.registry.write("README.md", "rewritten\n")
        try source.commit("rewritten history")
        try succeed(try workspace.run("registry", "update", "team"))
        expect(try Self.verify(workspace, in: project), exit: Exit.drift,
               stderr: ["agent 'team/foo': pinned commit \(doomed) of registry 'team' is gone from its source"])
    }

    @Test func anHTTPRepublishUnderTheSameVersionIsDriftButANewIndexAloneIsNot() throws {
        let workspace = try RingletWorkspace()
        let site = try HTTPRegistryTests.published(in: workspace)
        let server = try HTTPFileServer(serving: site.path)
        defer { server.stop() }
        try succeed(try workspace.run("registry", "add", "web", server.baseURL))
        let project = try workspace.folder("proj")
        try succeed(try workspace.run("registry", "lock", "--agent", "web/foo", in: project))

        // A new agent and a new index: a new revision, but foo is untouched.
        try site.agent("baz", "1.0.0")
        try succeed(try workspace.run("registry", "index", site.path))
        expect(try workspace.run("registry", "update", "web"), exit: Exit.ok, stdout: ["web: sha256:"])
        expect(try Self.verify(workspace, in: project), exit: Exit.ok)

        // foo 1.0.0 republished with other bytes, correctly indexed: the fetch succeeds, the lock does not hold.
        try site.agent("foo", "1.0.0", binary: "foo-republished")
        try succeed(try workspace.run("registry", "index", site.path))
        try succeed(try workspace.run("registry", "update", "web"))
        expect(try Self.verify(workspace, in: project), exit: Exit.drift, stderr: ["agent 'web/foo': foo 1.0.0 from 'web' changed in place"])
    }

    @Test func lockedModeRefusesWhatTheLockDoesNotPin() throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        expect(try workspace.run("agents", "inspect", "claude", "--locked", in: project), exit: Exit.drift,
               stderr: ["error: agent 'claude' is not pinned in \(project)/ringlet.lock; run `ringlet registry lock --agent claude`"])
        // The same id under another spelling is another reference.
        expect(try workspace.run("agents", "inspect", "foo", "--locked", in: project), exit: Exit.drift, stderr: ["agent 'foo' is not pinned"])
        expect(try workspace.run("providers", "inspect", "anthropic", "--locked", in: project), exit: Exit.ok)
        expect(try workspace.run("agents", "inspect", "claude", in: project), exit: Exit.ok, stdout: ["agent claude 2.1.0"])
    }

    @Test func lockedWithoutALockfileIsDrift() throws {
        let workspace = try RingletWorkspace()
        let bare = try workspace.folder("no-project")
        expect(try workspace.run("agents", "inspect", "claude", "--locked", in: bare), exit: Exit.drift,
               stderr: ["error: --locked: no ringlet.lock in \(bare) or its parents; run `ringlet registry lock` and commit it"])
        expect(try workspace.run("registry", "verify", in: bare), exit: Exit.drift, stderr: ["no ringlet.lock in \(bare) or its parents"])
    }

    @Test(arguments: [("true", true), ("1", true), ("yes", true), ("false", false), ("0", false), ("", false)])
    func ciEnforcesAPresentLockfile(ci: String, enforced: Bool) throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        let result = try workspace.run("agents", "inspect", "claude", in: project, environment: ["CI": ci])
        if enforced {
            expect(result, exit: Exit.drift, stderr: ["agent 'claude' is not pinned in \(project)/ringlet.lock"])
        } else {
            expect(result, exit: Exit.ok, stdout: ["agent claude 2.1.0"])
        }
        expect(try workspace.run("agents", "inspect", "foo@^1", in: project, environment: ["CI": ci]), exit: Exit.ok)
    }

    @Test func ciWithoutAnyLockfileResolvesFreely() throws {
        let workspace = try RingletWorkspace()
        let bare = try workspace.folder("no-project")
        expect(try workspace.run("agents", "inspect", "claude", in: bare, environment: ["CI": "true"]), exit: Exit.ok, stdout: ["agent claude 2.1.0"])
    }

    @Test(arguments: [["--locked", "agents", "inspect", "claude"], ["agents", "--locked", "inspect", "claude"],
                      ["agents", "inspect", "--locked", "claude"]])
    func lockedIsHonouredWhereverItIsWritten(arguments: [String]) throws {
        let workspace = try RingletWorkspace()
        let (_, project) = try Self.lockedProject(in: workspace)
        let result = try workspace.run(arguments, in: project)
        expect(result, exit: Exit.drift, stderr: ["error: agent 'claude' is not pinned in \(project)/ringlet.lock"])
        #expect(result.stdout.isEmpty)
    }

    @Test func lockedListingsRefuseADriftedLock() throws {
        let workspace = try RingletWorkspace()
        let (acme, project) = try Self.lockedProject(in: workspace)
        expect(try workspace.run("agents", "list", "--locked", in: project), exit: Exit.ok)
        try acme.agent("foo", "1.0.1")
        expect(try workspace.run("agents", "list", "--locked", in: project), exit: Exit.drift,
               stderr: ["agent 'foo@^1': it now resolves to foo 1.0.1 from 'acme'"])
        expect(try workspace.run("agents", "list", in: project), exit: Exit.ok)
    }

    static let pin = """
        - kind: agent
          ref: claude
          registry: builtin
          source: builtin
          revision: "sha256:0000000000000000000000000000000000000000000000000000000000000000"
          id: claude
          version: "2.1.0"
          sha256: 497bd2e5e68818c0ef093272114a9b1e5f180b69bdb14d5fe381ad360595ebdc

        """

    @Test(arguments: [
        ("version: 1\npins:\n  - kind: agent\n    ref: claude\n    registri: builtin\n", "5:5: unknown key 'registri' (did you mean 'registry'?)"),
        ("version: 1\npins: [\n", "3:1: "),
        ("version: 2\npins: []\n", "1:10: lockfile version 2 is not supported (this ringlet writes version 1)"),
        ("", "1:1: the lockfile is empty; run `ringlet registry lock`"),
        ("version: 1\npins:\n" + pin.replacingOccurrences(of: "sha256: 497b", with: "sha256: zz7b"), "10:11: 'sha256' must be 64 hexadecimal digits"),
        ("version: 1\npins:\n" + pin.replacingOccurrences(of: "ref: claude", with: "ref: \"claude@\""), "4:8: invalid reference 'claude@'"),
        ("version: 1\npins:\n" + pin.replacingOccurrences(of: "version: \"2.1.0\"", with: "version: two"), "9:12: "),
        ("version: 1\npins:\n" + pin + pin, "11:3: agent 'claude' is pinned twice"),
        ("version: 1\npins:\n" + pin.replacingOccurrences(of: "kind: agent", with: "kind: agnet"), "3:9: unknown kind 'agnet'"),
    ])
    func aMalformedLockfileIsABadInputWithItsLocation(text: String, message: String) throws {
        let workspace = try RingletWorkspace()
        let project = try workspace.folder("proj")
        let path = try workspace.write("proj/ringlet.lock", text)
        for arguments in [["registry", "verify"], ["agents", "inspect", "claude", "--locked"], ["registry", "lock", "--agent", "claude"]] {
            let result = try workspace.run(arguments, in: project)
            expect(result, exit: Exit.usage, stderr: ["error: \(path):\(message)"])
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "a broken lockfile is never overwritten")
    }
}
