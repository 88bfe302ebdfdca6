import Glibc

/// Directory operations with the errors a user can act on: list, create with parents, remove a tree.
public enum Directory {
    /// Entry names, without `.` and `..`, in no particular order.
    public static func contents(_ path: String) throws(SystemError) -> [String] {
        guard let dir = opendir(path) else { throw .call(operation: "list", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates `path` and any missing parents; an existing directory is fine.
    public static func create(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw .call(operation: "create directory", path: prefix, errno: errno)
            }
        }
        guard FileStatus.of(path) == .directory || FileStatus.realPath(path).map({ FileStatus.of($0) == .directory }) == true else {
            throw .call(operation: "create directory", path: path, errno: ENOTDIR)
        }
    }

    /// Removes a file, a symlink (not its target) or a whole directory tree; a missing path is fine.
    public static func removeTree(_ path: String) throws(SystemError) {
        switch FileStatus.of(path) {
        case .missing:
            return
        case .directory:
            for name in try contents(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw .call(operation: "remove", path: path, errno: errno) }
        default:
            guard unlink(path) == 0 || errno == ENOENT else { throw .call(operation: "remove", path: path, errno: errno) }
        }
    }
}
