import Foundation
import RingletTestSupport
import Testing

/// Git registries made in the test with real git: fetched into the cache at add time, updated on
/// request, refused offline, and usable offline once fetched.
@Suite struct GitRegistryTests {
    /// A git registry `team` with agent foo 1.0.0 committed on `main` and tagged `v1`.
    static func source(in workspace: RingletWorkspace) throws -> (GitRegistryFixture, commit: String) {
        try GitRegistryFixture.published(at: workspace.path("team-source"))
    }

    static func short(_ commit: String) -> String { String(commit.prefix(12)) }

    enum RefChoice: String, CaseIterable, Sendable {
        case remoteHEAD, tag, branch, commit
    }

    @Test(arguments: RefChoice.allCases)
    func addFetchesTheRefIntoTheCache(_ choice: RefChoice) throws {
        let workspace = try RingletWorkspace()
        let (source, commit) = try Self.source(in: workspace)
        // A second commit on main after the tag, so tag, branch and commit name different revisions.
        try source.registry.agent("foo", "1.1.0")
        let head = try source.commit("foo 1.1.0")

        let arguments: [String]
        let expected: (ref: String?, commit: String, foo: String)
        switch choice {
        case .remoteHEAD: (arguments, expected) = (["file://" + source.path], (nil, head, "1.1.0"))
        case .tag: (arguments, expected) = ([source.path, "--ref", "v1"], ("v1", commit, "1.0.0"))
        case .branch: (arguments, expected) = ([source.path, "--ref", "main"], ("main", head, "1.1.0"))
        case .commit: (arguments, expected) = ([source.path, "--ref", commit], (commit, commit, "1.0.0"))
        }

        let added = try workspace.run(["registry", "add", "team"] + arguments)
        expect(added, exit: Exit.ok, stderr: ["fetching team from "],
               stdout: ["added registry 'team' (git ", "at revision \(expected.commit)"])

        let entry = try #require(try succeed(try workspace.run("registry", "list", "--json")).jsonArray().first)
        #expect(entry["name"] as? String == "team")
        #expect(entry["type"] as? String == "git")
        #expect(entry["ref"] as? String == expected.ref)
        #expect(entry["revision"] as? String == expected.commit)

        let cache = workspace.cacheFolder(of: "team")
        #expect(workspace.exists(cache + "/mirror.git/HEAD"), "the bare mirror is kept for verify and updates")
        #expect(workspace.exists(cache + "/revisions/\(expected.commit)/registry.yaml"))
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(expected.commit)")
        #expect(try workspace.resolvedAgent("team/foo") == Resolved("team", expected.foo))
    }

    @Test func aLocalCheckoutWithoutRefIsReadInPlaceButABareRepositoryIsFetched() throws {
        let workspace = try RingletWorkspace()
        let (source, commit) = try Self.source(in: workspace)
        try #require(try ProcessRunner.run("git", ["clone", "--quiet", "--bare", source.path, workspace.path("bare")]).status == 0)

        expect(try workspace.run("registry", "add", "checkout", source.path), exit: Exit.ok, stdout: ["(dir \(source.path)"])
        expect(try workspace.run("registry", "add", "bare", workspace.path("bare")), exit: Exit.ok,
               stdout: ["(git \(workspace.path("bare"))", "at revision \(commit)"])
        let types = try succeed(try workspace.run("registry", "list", "--json")).jsonArray()
            .map { "\($0["name"] as? String ?? "?")=\($0["type"] as? String ?? "?")" }
        #expect(types == ["bare=git", "checkout=dir", "builtin=builtin"])
        #expect(!workspace.exists(workspace.cacheFolder(of: "checkout")))
    }

    @Test(arguments: ["no-such-tag", "feature/missing", "0123456789abcdef0123456789abcdef01234567"])
    func aRefThatDoesNotExistAddsNothing(ref: String) throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try Self.source(in: workspace)

        let result = try workspace.run("registry", "add", "team", source.path, "--ref", ref)
        expect(result, exit: Exit.failure, stderr: ["error: cannot fetch registry 'team': ref '\(ref)' does not exist in \(source.path)"])
        #expect(result.stdout.isEmpty)
        #expect(workspace.registriesSnapshot == nil, "registries.yaml must not be written")
        #expect(!workspace.exists(workspace.cacheFolder(of: "team")), "no cache folder may be left behind")
        expect(try workspace.run("registry", "show", "team"), exit: Exit.failure, stderr: ["no registry named 'team'"])
    }

    @Test func aRefThatLooksLikeAnOptionIsNeverPassedToGit() throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try Self.source(in: workspace)
        let result = try workspace.run("registry", "add", "team", source.path, "--ref", "--upload-pack=touch pwned")
        expect(result, exit: Exit.usage, stderr: ["'--upload-pack=touch pwned' is not a git ref"])
        #expect(!workspace.exists(workspace.path("pwned")) && !workspace.exists(workspace.home + "/pwned"))
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "team")))
    }

    @Test func updateFollowsABranchButNotATagOrACommit() throws {
        let workspace = try RingletWorkspace()
        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "moving", source.path, "--ref", "main"))
        try succeed(try workspace.run("registry", "add", "tagged", source.path, "--ref", "v1"))
        try succeed(try workspace.run("registry", "add", "exact", source.path, "--ref", first))

        try source.registry.agent("foo", "1.1.0")
        let second = try source.commit("foo 1.1.0")
        expect(try workspace.run("registry", "update", "moving"), exit: Exit.ok,
               stdout: ["moving: \(Self.short(first)) -> \(Self.short(second))"])
        #expect(workspace.currentRevisionLink(of: "moving") == "revisions/\(second)")
        #expect(try workspace.resolvedAgent("moving/foo") == Resolved("moving", "1.1.0"))

        let all = try workspace.run("registry", "update")
        expect(all, exit: Exit.ok, stdout: ["moving: up to date at \(Self.short(second))", "tagged: up to date at \(Self.short(first))",
                                            "exact: up to date at \(Self.short(first))"])
        #expect(try workspace.resolvedAgent("tagged/foo") == Resolved("tagged", "1.0.0"))
        #expect(try workspace.resolvedAgent("exact/foo") == Resolved("exact", "1.0.0"))
    }

    @Test func updateFollowsAMovedTag() throws {
        let workspace = try RingletWorkspace()
        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "v1"))

        try source.registry.agent("foo", "1.0.0", binary: "foo-rebuilt")
        let second = try source.commit("rebuild foo 1.0.0")
        try source.tag("v1", force: true)
        expect(try workspace.run("registry", "update", "team"), exit: Exit.ok,
               stdout: ["team: \(Self.short(first)) -> \(Self.short(second))"])
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(second)")
        let details = try succeed(try workspace.run("agents", "inspect", "team/foo", "--json")).jsonObject()
        #expect((details["agent"] as? [String: Any])?["binary"] as? String == "foo-rebuilt")
    }

    @Test(arguments: [["--offline"], ["--offline", "--ref", "main"]])
    func offlineAddIsRefusedAndAddsNothing(flags: [String]) throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try Self.source(in: workspace)
        let location = flags.contains("--ref") ? source.path : "file://" + source.path
        let result = try workspace.run(["registry", "add", "team", location] + flags)
        expect(result, exit: Exit.failure, stderr: ["error: registry 'team' needs the network, and --offline forbids fetching"])
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "team")))
    }

    @Test func offlineUpdateIsRefusedAndKeepsTheRevision() throws {
        let workspace = try RingletWorkspace()
        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "main"))
        try source.registry.agent("foo", "2.0.0")
        try source.commit("foo 2.0.0")

        expect(try workspace.run("registry", "update", "team", "--offline"), exit: Exit.failure,
               stderr: ["error: registry 'team' needs the network, and --offline forbids fetching"])
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(first)")
        #expect(try workspace.resolvedAgent("team/foo") == Resolved("team", "1.0.0"))
    }

    /// `--offline` is a global option: before, inside or after the command words, it forbids fetching.
    @Test(arguments: [["--offline", "registry", "update", "team"], ["registry", "--offline", "update", "team"],
                      ["registry", "update", "--offline"], ["registry", "update", "team", "--offline"]])
    func offlineIsHonouredWhereverItIsWritten(arguments: [String]) throws {
        let workspace = try RingletWorkspace()
        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "main"))
        try source.registry.agent("foo", "2.0.0")
        try source.commit("foo 2.0.0")

        let result = try workspace.run(arguments)
        expect(result, exit: Exit.failure,
               stderr: ["error: registry 'team' needs the network, and --offline forbids fetching; team stays at \(Self.short(first))"])
        #expect(!result.stdout.contains("usage:"), "the command runs; it is not mistaken for a request for help")
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(first)")
    }

    @Test func aFetchedRegistryKeepsWorkingOfflineAfterItsSourceIsGone() throws {
        let workspace = try RingletWorkspace()
        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "main"))
        try FileManager.default.removeItem(atPath: source.path)

        #expect(try workspace.resolvedAgent("team/foo", "--offline") == Resolved("team", "1.0.0"))
        let rows = try succeed(try workspace.run("agents", "list", "--json", "--offline")).jsonArray()
        #expect(rows.contains { $0["id"] as? String == "foo" && $0["registry"] as? String == "team" })

        let update = try workspace.run("registry", "update", "team")
        expect(update, exit: Exit.failure, stderr: ["error: cannot fetch registry 'team': git could not fetch \(source.path)",
                                                     "; team stays at \(Self.short(first))"])
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(first)")
        #expect(try workspace.resolvedAgent("team/foo", "--offline") == Resolved("team", "1.0.0"))
    }

    /// `registry add` reads registries.yaml, fetches (slow), then writes it back: whatever another
    /// `ringlet` wrote meanwhile must survive. The test holds the cache lock the fetch waits for, so the
    /// order is fixed: slow add reads, other add completes, slow add finishes.
    @Test func aSlowAddDoesNotLoseARegistryAddedMeanwhile() throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try Self.source(in: workspace)
        let other = try workspace.registry("other")
        try other.agent("bar", "1.0.0")

        let lock = try HeldFileLock(workspace.cacheFolder(of: "slow") + "/.lock")
        let slow = try workspace.ringlet.start(["registry", "add", "slow", source.path, "--ref", "main"], in: workspace.path(""))
        try #require(slow.waitForStderr(containing: "fetching slow from"))
        try succeed(try workspace.run("registry", "add", "other", other.path))
        lock.release()
        expect(slow.finish(), exit: Exit.ok, stdout: ["added registry 'slow'"])

        let names = try succeed(try workspace.run("registry", "list", "--json")).jsonArray().compactMap { $0["name"] as? String }
        #expect(names == ["other", "slow", "builtin"])
    }

    @Test func removeDeletesTheCache() throws {
        let workspace = try RingletWorkspace()
        let (source, _) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "v1"))
        #expect(workspace.exists(workspace.cacheFolder(of: "team")))
        expect(try workspace.run("registry", "remove", "team"), exit: Exit.ok, stdout: ["removed registry 'team'"])
        #expect(!workspace.exists(workspace.cacheFolder(of: "team")))
        #expect(workspace.exists(source.path + "/.git"), "the source repository is the user's, never touched")
    }

    @Test func aSymlinkCommittedToTheRepositoryIsNeverFollowedOutOfTheCache() throws {
        let workspace = try RingletWorkspace()
        let source = try GitRegistryFixture(at: workspace.path("evil-source"), name: "evil")
        try source.registry.symlink("agents/evil/1.0.0.yaml", to: "/etc/passwd")
        try source.commit("a link out")
        try succeed(try workspace.run("registry", "add", "evil", source.path, "--ref", "main"))

        let result = try workspace.run("agents", "inspect", "evil/evil", "--json")
        expect(result, exit: Exit.failure, stderr: ["agents/evil/1.0.0.yaml: refused: it is a symlink that leads outside the registry (to /etc/passwd)"])
        #expect(!result.stdout.contains("root:") && !result.stderr.contains("root:"))
    }

    /// "Fetched now and verified; if that fails nothing is added": a repository without registry.yaml
    /// is not a registry, at add time or when a later commit removes it.
    @Test func aRepositoryThatIsNotARegistryIsNeverSwitchedIn() throws {
        let workspace = try RingletWorkspace()
        let repository = try GitRepository(at: workspace.path("not-a-registry"))
        try RegistryFixture(existing: repository.path).write("README.md", "just a project\n")
        try repository.commitAll("readme")
        let result = try workspace.run("registry", "add", "notreg", repository.path)
        expect(result, exit: Exit.failure,
               stderr: ["error: cannot fetch registry 'notreg': the fetched content is not a registry: notreg:registry.yaml: no such file"])
        #expect(workspace.registriesSnapshot == nil)
        #expect(!workspace.exists(workspace.cacheFolder(of: "notreg")))

        let (source, first) = try Self.source(in: workspace)
        try succeed(try workspace.run("registry", "add", "team", source.path, "--ref", "main"))
        try source.registry.remove("registry.yaml")
        try source.commit("oops")
        expect(try workspace.run("registry", "update", "team"), exit: Exit.failure,
               stderr: ["the fetched content is not a registry", "team stays at \(Self.short(first))"])
        #expect(workspace.currentRevisionLink(of: "team") == "revisions/\(first)")
        #expect(try workspace.resolvedAgent("team/foo") == Resolved("team", "1.0.0"))
    }
}
