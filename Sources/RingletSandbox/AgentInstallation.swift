import Glibc
import RingletManifest
import RingletPolicy
import RingletSystem

/// Where an agent found on the host's PATH really lives: the folder of the PATH entry, the install
/// root its symlinks lead to, and the same for the interpreter its `#!` line names.
///
/// The sandbox shows the profile's home at HOME and an empty /tmp, so an agent installed the usual way
/// (`~/.local/bin/claude` → `~/.local/share/claude/versions/…`, an npm prefix, a venv, a tool under
/// /tmp or /opt) would vanish. These folders are bound read-only at their real paths. A root is
/// widened from the binary's folder to the prefix that holds it (`…/lib/node_modules/…` → the npm
/// prefix, `…/bin/x` → the venv or prefix, `…/versions/…` → the versions' parent), but never to the
/// user's HOME or a folder that contains it.
public struct AgentInstallation: Sendable, Equatable {
    /// Read-only paths, shallow first.
    public var roots: [String]

    public init(binary: String, searchPath: String, userHome: String) {
        var roots: [String] = []
        func add(_ executable: String) {
            for root in Self.candidates(executable) where Self.isSafe(root, userHome: userHome) && !roots.contains(root) {
                roots.append(root)
            }
        }
        add(binary)
        if let interpreter = Self.interpreter(of: binary, searchPath: searchPath) { add(interpreter) }
        // A root inside another is covered by it.
        self.roots = roots.filter { root in !roots.contains { $0 != root && PathResolver.isWithin(root, $0) } }
            .sorted { PathResolver.depth($0) < PathResolver.depth($1) }
    }

    /// The folder of the PATH entry (where its symlink is) and the install root of where it leads.
    static func candidates(_ executable: String) -> [String] {
        // The entry's own folder, not where its symlink leads: that is the install root's business.
        var candidates = [PathResolver.canonical(PathResolver.parent(of: PathResolver.normalize(executable)))]
        if let real = FileStatus.realPath(executable) { candidates.append(installRoot(of: real)) }
        return candidates
    }

    static func installRoot(of real: String) -> String {
        if let modules = real.firstRange(of: "/lib/node_modules/") { return String(real[..<modules.lowerBound]) }
        if let versions = real.firstRange(of: "/versions/") { return String(real[..<versions.lowerBound]) }
        let folder = PathResolver.parent(of: real)
        if folder.hasSuffix("/bin") { return PathResolver.parent(of: folder) }
        return folder
    }

    /// Never the user's HOME, a folder holding it, or the root: those would undo the private home.
    static func isSafe(_ root: String, userHome: String) -> Bool {
        root != "/" && !PathResolver.isWithin(userHome, root)
    }

    /// The program a `#!` line runs: an absolute path, or the name `env` looks up.
    static func interpreter(of binary: String, searchPath: String) -> String? {
        guard let file = try? FileDescriptor.open(binary, flags: O_RDONLY), let head = try? file.read(upTo: 256),
              head.starts(with: Array("#!".utf8)) else { return nil }
        let line = String(decoding: head.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let program = words.first else { return nil }
        if program.hasSuffix("/env") {
            guard let name = words.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return nil }
            return InstalledAgent.locate(name, searchPath: searchPath)
        }
        return program
    }
}
