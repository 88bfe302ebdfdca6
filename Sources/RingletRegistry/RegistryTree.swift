import Glibc
import RingletManifest
import RingletSemver
import RingletSystem

/// Read access to the files of one registry revision: a folder on disk or the registry compiled into
/// the binary.
///
/// Resolution only lists `<kind>s/<id>/` and reads the one file it picks, so resolving against a large
/// registry costs a directory listing, not a parse of every manifest. Every read of a folder checks that
/// the file really lies inside the registry: a symlink that leads out of it is refused.
public struct RegistryTree: Sendable {
    enum Storage: Sendable {
        case directory(root: String)
        case embedded([String: [UInt8]])
    }

    let storage: Storage
    /// How file paths are shown in messages: a folder as the user named it, or `name:` for fetched ones.
    public let label: String

    public static func directory(_ root: String, label: String) -> RegistryTree {
        RegistryTree(storage: .directory(root: FileStatus.realPath(root) ?? root), label: label)
    }

    public static func embedded(_ files: [String: [UInt8]], label: String) -> RegistryTree {
        RegistryTree(storage: .embedded(files), label: label)
    }

    public var rootPath: String? {
        if case .directory(let root) = storage { return root }
        return nil
    }

    /// The label a message shows for a file of this tree.
    public func display(_ path: String) -> String {
        label.hasSuffix(":") ? label + path : label + "/" + path
    }

    /// Names of the entries in a folder of the tree (sorted), or [] when it does not exist.
    func entries(_ folder: String) -> [String] {
        switch storage {
        case .directory(let root):
            guard let names = try? Directory.contents(folder.isEmpty ? root : root + "/" + folder) else { return [] }
            return names.filter { !$0.hasPrefix(".") }.sorted()
        case .embedded(let files):
            let prefix = folder.isEmpty ? "" : folder + "/"
            var names = Set<String>()
            for path in files.keys where path.hasPrefix(prefix) {
                names.insert(String(path.dropFirst(prefix.count).split(separator: "/").first!))
            }
            return names.sorted()
        }
    }

    /// The ids filed under a kind's folder whose folder names are valid ids.
    public func ids(of kind: ManifestKind) -> [String] {
        entries(kind.folder).filter { ManifestIdentity.problem(withID: $0) == nil }
    }

    /// Versions filed for an id, with their paths; names that are not `<semver>.yaml` are ignored here
    /// (`registry lint` reports them).
    public func versions(of kind: ManifestKind, id: String) -> [(version: Version, path: String)] {
        let folder = kind.folder + "/" + id
        return entries(folder).compactMap { name in
            guard name.hasSuffix(".yaml"), let version = try? Version(parsing: String(name.dropLast(5))) else { return nil }
            return (version, folder + "/" + name)
        }
    }

    public func exists(_ path: String) -> Bool {
        switch storage {
        case .directory(let root): FileStatus.of(root + "/" + path).exists
        case .embedded(let files): files[path] != nil
        }
    }

    /// Reads one file, refusing paths that climb out and symlinks that lead out of the tree.
    public func read(_ path: String, limit: Int = 1 << 20) throws(RegistryError) -> [UInt8] {
        if let problem = RegistryTree.pathProblem(path) {
            throw .unsafePath(place: display(path), problem)
        }
        switch storage {
        case .embedded(let files):
            guard let bytes = files[path] else { throw .io("\(display(path)): no such file") }
            return bytes
        case .directory(let root):
            let full = root + "/" + path
            guard let real = FileStatus.realPath(full) else { throw .io("\(display(path)): no such file") }
            guard real.hasPrefix(root + "/") else {
                throw .unsafePath(place: display(path), "it is a symlink that leads outside the registry (to \(real))")
            }
            do throws(SystemError) {
                return try FileBytes.read(real, limit: limit)
            } catch .tooLarge {
                throw .io("\(display(path)): larger than the \(limit)-byte limit for a registry file")
            } catch {
                throw .io("\(display(path)): \(error)")
            }
        }
    }

    /// Every file a registry revision consists of: `registry.yaml` and the manifests, sorted.
    public func manifestFiles() -> [String] {
        var paths: [String] = []
        for kind in ManifestKind.allCases {
            for id in entries(kind.folder) {
                for name in entries(kind.folder + "/" + id) where name.hasSuffix(".yaml") {
                    paths.append(kind.folder + "/" + id + "/" + name)
                }
            }
        }
        return paths
    }

    /// Why a relative path from an index or a user is unsafe to join to a root, or nil.
    static func pathProblem(_ path: String) -> String? {
        if path.isEmpty || path.hasPrefix("/") { return "the path must be relative" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) { return "the path must not contain '..', '.' or empty parts" }
        if path.utf8.contains(0) || path.contains("\\") { return "the path contains a forbidden character" }
        return nil
    }
}
