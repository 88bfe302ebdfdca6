import Glibc

/// Finds the files a manifest's `usage.paths` glob names under a profile's HOME: `*` and `?` within a
/// name (fnmatch), `**` for any number of folders. Symlinks are not followed: the HOME is the agent's
/// to write, and a link must not make Ringlet read, or loop through, anything outside it.
enum HomeGlob {
    static func files(matching pattern: String, in home: String) -> [String] {
        let segments = pattern.split(separator: "/").map(String.init)
        var found: [String] = []
        walk(home, segments[...], into: &found)
        return found
    }

    private static func walk(_ folder: String, _ segments: ArraySlice<String>, into found: inout [String]) {
        guard let segment = segments.first else { return }
        let rest = segments.dropFirst()
        if segment == "**" {
            // Zero folders, then one more level with `**` still in front.
            walk(folder, rest, into: &found)
            for (name, isFolder) in entries(folder) where isFolder {
                walk(folder + "/" + name, segments, into: &found)
            }
            return
        }
        let literal = !segment.contains(where: { "*?[".contains($0) })
        if literal {
            let path = folder + "/" + segment
            switch kind(path) {
            case .folder where !rest.isEmpty: walk(path, rest, into: &found)
            case .file where rest.isEmpty: found.append(path)
            default: break
            }
            return
        }
        for (name, isFolder) in entries(folder) where fnmatch(segment, name, FNM_PERIOD) == 0 {
            if rest.isEmpty {
                if !isFolder { found.append(folder + "/" + name) }
            } else if isFolder {
                walk(folder + "/" + name, rest, into: &found)
            }
        }
    }

    private enum Kind { case file, folder, other }

    private static func kind(_ path: String) -> Kind {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .other }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// A folder's regular files and folders (no symlinks, no `.`/`..`), sorted for a stable order.
    private static func entries(_ folder: String) -> [(name: String, isFolder: Bool)] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var result: [(String, Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard name != ".", name != ".." else { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): result.append((name, true))
            case Int32(DT_REG): result.append((name, false))
            case Int32(DT_UNKNOWN):
                switch kind(folder + "/" + name) {
                case .folder: result.append((name, true))
                case .file: result.append((name, false))
                case .other: break
                }
            default: break
            }
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
