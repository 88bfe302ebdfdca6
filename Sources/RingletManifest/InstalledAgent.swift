import Glibc
import RingletSemver
import RingletSystem

/// What is installed on this machine for an agent manifest: the binary found on PATH and the version
/// it reports, read the way the manifest says (`version_args`, `version_pattern`).
public struct InstalledAgent: Sendable {
    public var path: String
    /// The version the binary printed, or nil when it printed nothing the pattern matched.
    public var version: String?
    /// Whether that version is in the manifest's `supported` range (nil when either is unknown).
    public var isSupported: Bool?

    /// Looks the binary up on `searchPath` and asks it for its version; nil when it is not installed.
    public static func detect(_ manifest: AgentManifest, searchPath: String) -> InstalledAgent? {
        guard let path = locate(manifest.binary.name, searchPath: searchPath) else { return nil }
        var installed = InstalledAgent(path: path, version: nil, isSupported: nil)
        let run = Subprocess(path, manifest.binary.versionArguments, outputLimit: 64 << 10, timeout: .seconds(10))
        guard let result = try? run.run(), let regex = try? Regex(manifest.binary.versionPattern) else { return installed }
        let output = result.stdoutText + "\n" + result.stderrText
        for line in output.split(separator: "\n") {
            guard let match = try? regex.firstMatch(in: String(line)), match.count > 1,
                  let captured = match[1].substring else { continue }
            installed.version = String(captured)
            if let supported = manifest.binary.supported, let version = try? Version(parsing: String(captured)) {
                installed.isSupported = supported.contains(version)
            }
            break
        }
        return installed
    }

    /// The path of `name` on `searchPath` (or `name` itself when it is a path), if executable.
    public static func locate(_ name: String, searchPath: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0, case .file = FileStatus.of(FileStatus.realPath(candidate) ?? candidate) { return candidate }
        }
        return nil
    }
}
