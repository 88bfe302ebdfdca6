import Foundation
import RingletManifest
import RingletPolicy
import RingletSandbox
import RingletSystem
import RingletTestSupport
import Testing

/// The plan's mounts, read off the bwrap arguments it generates for a real folder tree (no sandbox is
/// started here; RunSandboxTests proves the same view from inside).
@Suite struct SandboxPlanTests {
    struct World {
        let temporary: TemporaryDirectory
        let userHome: String
        let workspace: String
        let profileHome: String
        let directories: RingletDirectories

        init(workspaceInHome: Bool = true) throws {
            temporary = try TemporaryDirectory("ringlet-plan")
            let root = FileStatus.realPath(temporary.path)!
            userHome = root + "/home/user"
            workspace = workspaceInHome ? userHome + "/src/shop" : userHome
            directories = RingletDirectories(config: userHome + "/.config/ringlet", cache: userHome + "/.cache/ringlet",
                                             data: userHome + "/.local/share/ringlet", state: userHome + "/.local/state/ringlet",
                                             runtime: root + "/run/ringlet")
            profileHome = directories.data + "/homes/work"
            for folder in [workspace + "/.git/hooks", userHome + "/.ssh", profileHome + "/.claude"] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try TemporaryDirectory.write("secret\n", to: userHome + "/.ssh/id_ed25519")
            try TemporaryDirectory.write("[core]\n", to: workspace + "/.git/config")
            try TemporaryDirectory.write("{}\n", to: profileHome + "/.claude/settings.json")
        }

        func plan(_ flags: PolicyFlags = PolicyFlags(), hookAdapter: AgentManifest.HookAdapter = .none, installRoots: [String] = [],
                  newSession: Bool = true, extra: [String] = []) throws -> SandboxPlan {
            let home = userHome
            let context = PolicyContext(workspace: workspace, profileHome: profileHome, userHome: userHome, directories: directories,
                                        environment: { $0 == "HOME" ? home : nil })
            let layers = [DefaultPolicy.layer(context, hookAdapter: hookAdapter),
                          try flags.layer(workingDirectory: workspace, resolver: context.resolver)]
            return try SandboxPlan(policy: PolicyComposer.compose(layers), context: context, command: ["agent"],
                                   hostEnvironment: ["PATH": "/usr/bin", "HOME": userHome, "GITHUB_TOKEN": "x"],
                                   installRoots: installRoots, newSession: newSession, extraArguments: extra)
        }
    }

    /// The index of the first `option SOURCE DESTINATION` triple in the arguments.
    func index(_ plan: SandboxPlan, _ option: String, _ source: String, _ destination: String) -> Int? {
        let options = plan.options
        return options.indices.dropLast(2).first { options[$0] == option && options[$0 + 1] == source && options[$0 + 2] == destination }
    }

    func environment(_ plan: SandboxPlan) -> [String: String] {
        var result: [String: String] = [:]
        for i in plan.options.indices.dropLast(2) where plan.options[i] == "--setenv" { result[plan.options[i + 1]] = plan.options[i + 2] }
        return result
    }

    @Test func theProfilesHomeIsMountedAtHomeBeforeTheWorkspace() throws {
        let world = try World()
        let plan = try world.plan()
        let home = try #require(index(plan, "--bind", world.profileHome, world.userHome), "\(plan.options)")
        let workspace = try #require(index(plan, "--bind", world.workspace, world.workspace), "\(plan.options)")
        #expect(home < workspace)
        #expect(plan.home == world.userHome)
        #expect(environment(plan)["HOME"] == world.userHome)
        #expect(environment(plan)["GITHUB_TOKEN"] == nil)
        // The profile's home is shown at HOME only, not also at its real path.
        #expect(index(plan, "--bind", world.profileHome, world.profileHome) == nil)
    }

    @Test func secretsBehindTheSwappedHomeNeedNoMount() throws {
        let world = try World()
        let plan = try world.plan()
        #expect(!plan.options.contains(world.userHome + "/.ssh"), "the real ~/.ssh is not visible, so it is not touched: \(plan.options)")
        #expect(plan.placeholders.isEmpty)
    }

    @Test func aDeniedFolderThatShowsIsCoveredAndRemountedReadOnly() throws {
        let world = try World()
        var flags = PolicyFlags()
        flags.deny = [world.workspace + "/.git"]
        let plan = try world.plan(flags)
        let tmpfs = try #require(plan.options.firstIndex(of: world.workspace + "/.git").map { $0 - 1 })
        #expect(plan.options[tmpfs] == "--tmpfs")
        #expect(plan.options.contains("--remount-ro"))
    }

    @Test func gitHooksAndTheHookWiringAreHeldReadOnly() throws {
        let world = try World()
        let plan = try world.plan(hookAdapter: .claudeSettings)
        #expect(index(plan, "--ro-bind", world.workspace + "/.git/hooks", world.workspace + "/.git/hooks") != nil)
        #expect(index(plan, "--ro-bind", world.workspace + "/.git/config", world.workspace + "/.git/config") != nil)
        // Ringlet's wiring in the profile's home shows at HOME/.claude/settings.json: held there.
        #expect(index(plan, "--ro-bind", world.profileHome + "/.claude/settings.json", world.userHome + "/.claude/settings.json") != nil,
                "\(plan.options)")
    }

    @Test func missingProtectedPathsGetPlaceholders() throws {
        let world = try World()
        try FileManager.default.removeItem(atPath: world.workspace + "/.git/hooks")
        let plan = try world.plan(hookAdapter: .claudeSettings)
        // hooks is missing in an existing .git: a folder placeholder; the workspace's .claude is missing
        // altogether: the .claude folder itself is the placeholder, holding both wiring files' places.
        #expect(plan.placeholders.contains(.init(path: world.workspace + "/.git/hooks", isFolder: true)))
        #expect(plan.placeholders.contains(.init(path: world.workspace + "/.claude", isFolder: true)))
        // And settings.local.json, missing beside Ringlet's settings.json in the profile's home.
        #expect(plan.placeholders.contains(.init(path: world.profileHome + "/.claude/settings.local.json", isFolder: false)))
        #expect(plan.placeholders.count == 3, "\(plan.placeholders)")
        #expect(index(plan, "--ro-bind", world.workspace + "/.claude", world.workspace + "/.claude") != nil)

        let made = try plan.createPlaceholders()
        #expect(FileStatus.of(world.workspace + "/.git/hooks") == .directory)
        SandboxPlan.removePlaceholders(made)
        #expect(!FileStatus.of(world.workspace + "/.git/hooks").exists)
        #expect(!FileStatus.of(world.workspace + "/.claude").exists)
    }

    @Test func aPlaceholderTheUserFilledInStays() throws {
        let world = try World()
        try FileManager.default.removeItem(atPath: world.workspace + "/.git/hooks")
        let plan = try world.plan()
        let made = try plan.createPlaceholders()
        try TemporaryDirectory.write("#!/bin/sh\n", to: world.workspace + "/.git/hooks/pre-push")
        SandboxPlan.removePlaceholders(made)
        #expect(FileStatus.of(world.workspace + "/.git/hooks/pre-push").exists)
    }

    @Test func aWorkspaceThatHoldsHomeKeepsTheRealHomeAndSaysSo() throws {
        let world = try World(workspaceInHome: false)
        let plan = try world.plan()
        #expect(plan.home == world.profileHome)
        #expect(index(plan, "--bind", world.profileHome, world.userHome) == nil)
        #expect(plan.notes.contains { $0.contains("the workspace holds your HOME") }, "\(plan.notes)")
    }

    @Test func installRootsHiddenByTheHomeAreBoundReadOnlyAtTheirRealPaths() throws {
        let world = try World()
        let root = world.userHome + "/.local/share/claude"
        try FileManager.default.createDirectory(atPath: root + "/versions", withIntermediateDirectories: true)
        let plan = try world.plan(installRoots: [root])
        let bind = try #require(index(plan, "--ro-bind", root, root), "\(plan.options)")
        #expect(bind > index(plan, "--bind", world.profileHome, world.userHome)!)
    }

    @Test func anInstallRootThePolicyDeniesStaysOut() throws {
        let world = try World()
        let root = world.userHome + "/.ssh"
        let plan = try world.plan(installRoots: [root])
        #expect(index(plan, "--ro-bind", root, root) == nil)
        #expect(plan.notes.contains { $0.contains("denied by the policy") }, "\(plan.notes)")
    }

    @Test func bwrapFlagsAreAddedAfterTheGeneratedOptions() throws {
        let world = try World()
        let plain = try world.plan()
        let plan = try world.plan(extra: ["--setenv", "PROBE", "1"])
        #expect(Array(plan.options.prefix(plain.options.count)) == plain.options)
        #expect(Array(plan.options.suffix(3)) == ["--setenv", "PROBE", "1"])
    }

    @Test func aSessionOfItsOwnUnlessTheTerminalIsRinglets() throws {
        let world = try World()
        #expect(try world.plan().options.contains("--new-session"))
        #expect(!(try world.plan(newSession: false).options.contains("--new-session")))
    }

    @Test func temporaryFilesAreCappedByTheMemoryLimit() throws {
        let world = try World()
        var flags = PolicyFlags()
        flags.memory = "256M"
        let plan = try world.plan(flags)
        let tmp = try #require(plan.options.indices.first { plan.options[$0] == "--tmpfs" && plan.options[$0 + 1] == "/tmp" })
        #expect(Array(plan.options[(tmp - 2) ..< tmp]) == ["--size", String(256 << 20)])
    }
}
