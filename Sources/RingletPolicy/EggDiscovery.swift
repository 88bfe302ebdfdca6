import RingletSystem

/// Finds the `egg.yaml` files that apply to a workspace: one in the workspace and in each folder above
/// it up to the repository root (the nearest folder with `.git`), outermost first. Outside a repository
/// only the workspace's own counts.
public enum EggDiscovery {
    public static func projectEggs(workspace: String) -> [String] {
        var folders: [String] = []
        var current = PathResolver.canonical(PathResolver.normalize(workspace))
        while true {
            folders.append(current)
            if FileStatus.of(current + "/.git").exists || current == "/" { break }
            let parent = current.lastIndex(of: "/").map { $0 == current.startIndex ? "/" : String(current[..<$0]) } ?? "/"
            current = parent
        }
        if !FileStatus.of(folders.last! + "/.git").exists { folders = [folders[0]] }
        return folders.reversed().map { ($0 == "/" ? "" : $0) + "/" + EggLoader.fileName }.filter {
            if case .file = FileStatus.of(FileStatus.realPath($0) ?? $0) { return true }
            return false
        }
    }
}
