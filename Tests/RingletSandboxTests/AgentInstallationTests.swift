import Foundation
import RingletSandbox
import RingletSystem
import RingletTestSupport
import Testing

/// Install layouts as the usual installers leave them, made for real (files, symlinks, `#!` lines).
@Suite struct AgentInstallationTests {
    let temporary: TemporaryDirectory
    let root: String
    let home: String

    init() throws {
        temporary = try TemporaryDirectory("ringlet-install")
        root = FileStatus.realPath(temporary.path)!
        home = root + "/home/user"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    func executable(_ path: String, _ text: String = "\u{7f}ELF") throws {
        try TemporaryDirectory.write(text, to: path)
        chmod(path, 0o755)
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    @Test func theNativeClaudeInstallerLayout() throws {
        try executable(home + "/.local/share/claude/versions/2.1.0")
        try link(home + "/.local/bin/claude", to: home + "/.local/share/claude/versions/2.1.0")
        let installation = AgentInstallation(binary: home + "/.local/bin/claude", searchPath: home + "/.local/bin", userHome: home)
        #expect(installation.roots == [home + "/.local/bin", home + "/.local/share/claude"])
    }

    @Test func anNpmPrefixAndTheNodeItsShebangFinds() throws {
        let prefix = root + "/opt/npm"
        try executable(prefix + "/lib/node_modules/@anthropic-ai/claude-code/cli.js", "#!/usr/bin/env node\n")
        try link(prefix + "/bin/claude", to: "../lib/node_modules/@anthropic-ai/claude-code/cli.js")
        let node = root + "/nvm/versions/node/v22/bin/node"
        try executable(node, "\u{7f}ELF")
        let installation = AgentInstallation(binary: prefix + "/bin/claude", searchPath: root + "/nvm/versions/node/v22/bin:/usr/bin",
                                             userHome: home)
        // npm's prefix, and nvm's folder above its versions; the bin folders inside are covered by them.
        #expect(installation.roots == [root + "/nvm", prefix], "\(installation.roots)")
    }

    @Test func aVirtualEnvironment() throws {
        let venv = root + "/tmp/venvs/aider"
        try executable(venv + "/bin/aider", "#!\(venv)/bin/python\n")
        try executable(venv + "/bin/python", "\u{7f}ELF")
        let installation = AgentInstallation(binary: venv + "/bin/aider", searchPath: venv + "/bin", userHome: home)
        #expect(installation.roots == [venv])
    }

    @Test func neverTheHomeOrAFolderHoldingIt() throws {
        try executable(home + "/bin/tool")
        let installation = AgentInstallation(binary: home + "/bin/tool", searchPath: home + "/bin", userHome: home)
        // ~/bin/tool would widen to ~ itself: only ~/bin is bound.
        #expect(installation.roots == [home + "/bin"])
        let system = AgentInstallation(binary: "/usr/bin/env", searchPath: "/usr/bin", userHome: home)
        #expect(system.roots == ["/usr"])
    }
}
