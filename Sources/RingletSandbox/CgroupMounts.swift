import RingletSystem

/// Where this process's cgroups are: the cgroup file systems mounted here (`/proc/self/mountinfo`) and
/// this process's place in each hierarchy (`/proc/self/cgroup`), joined into folders.
struct CgroupMounts {
    struct Mount {
        var root: String
        var point: String
        var type: String
        var options: [String]
    }

    var mounts: [Mount] = []
    /// Hierarchy ("" for v2, else the controller list such as "memory") → path inside it.
    var memberships: [String: String] = [:]

    static func read() -> CgroupMounts {
        CgroupMounts(mountinfo: (try? FileBytes.readString("/proc/self/mountinfo")) ?? "",
                     cgroup: (try? FileBytes.readString("/proc/self/cgroup")) ?? "")
    }

    init(mountinfo: String, cgroup: String) {
        for line in mountinfo.split(separator: "\n") {
            // "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER-OPTIONS"
            let fields = line.split(separator: " ").map(String.init)
            guard let dash = fields.firstIndex(of: "-"), dash > 4, fields.count > dash + 3 else { continue }
            let type = fields[dash + 1]
            guard type == "cgroup" || type == "cgroup2" else { continue }
            mounts.append(Mount(root: fields[3], point: fields[4], type: type, options: fields[dash + 3].split(separator: ",").map(String.init)))
        }
        for line in cgroup.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 3 { memberships[parts[1]] = parts[2] }
        }
    }

    /// This process's v2 cgroup folder.
    func unifiedFolder() -> String? {
        guard let mount = mounts.first(where: { $0.type == "cgroup2" }), let path = memberships[""] else { return nil }
        return folder(mount, path)
    }

    /// This process's folder in the v1 hierarchy that has `controller`.
    func legacyFolder(controller: String) -> String? {
        guard let mount = mounts.first(where: { $0.type == "cgroup" && $0.options.contains(controller) }),
              let path = memberships.first(where: { $0.key.split(separator: ",").contains(Substring(controller)) })?.value else { return nil }
        return folder(mount, path)
    }

    /// A mount shows the hierarchy from its root down (a container sees only its own part).
    private func folder(_ mount: Mount, _ path: String) -> String? {
        let inside: Substring
        if mount.root == "/" {
            inside = Substring(path)
        } else if path == mount.root || path.hasPrefix(mount.root + "/") {
            inside = path.dropFirst(mount.root.count)
        } else {
            return nil
        }
        let trimmed = inside.hasSuffix("/") ? inside.dropLast() : inside
        return mount.point + trimmed
    }
}
