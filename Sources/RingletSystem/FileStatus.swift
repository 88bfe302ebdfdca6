import Glibc

/// What is at a path, without following a final symlink (lstat), and where a path really leads (realpath).
public enum FileStatus: Sendable, Equatable {
    case missing
    case file(size: Int)
    case directory
    case symlink
    case other

    public static func of(_ path: String) -> FileStatus {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(size: Int(info.st_size))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    public var exists: Bool { self != .missing }

    /// The canonical absolute path with every symlink resolved, or nil when the path does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
