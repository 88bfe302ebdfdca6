import Glibc
import RingletSystem

/// A control group made for one run, holding the sandbox's processes under a memory and a process
/// limit the kernel enforces for the whole tree (a fork bomb or a memory hog stops there, the host
/// stays responsive).
///
/// cgroup v2 is used when this process's cgroup is delegated to it (writable, with the memory and pids
/// controllers enabled for children); cgroup v1 when the memory and pids hierarchies are writable
/// (root on a hybrid host). The group is made next to this process's own, inside the part of the tree
/// it owns, and removed after the run with anything left in it killed.
public struct Cgroup: Sendable {
    public enum Version: String, Sendable { case v1 = "cgroup v1", v2 = "cgroup v2" }

    public let version: Version
    /// v2: one folder; v1: one folder per controller (memory, pids).
    public let folders: [String]

    /// Where a group could be made, without making it: nil when neither version is usable here.
    public static func available() -> (version: Version, parents: [String])? {
        let mounts = CgroupMounts.read()
        if let parent = mounts.unifiedFolder(), Self.delegates(parent) { return (.v2, [parent]) }
        let legacy = ["memory", "pids"].compactMap { mounts.legacyFolder(controller: $0) }
        if legacy.count == 2, legacy.allSatisfy({ access($0, W_OK) == 0 }) { return (.v1, legacy) }
        return nil
    }

    /// v2 puts limits on a child only for controllers the parent enables in `cgroup.subtree_control`.
    private static func delegates(_ folder: String) -> Bool {
        guard access(folder, W_OK) == 0, let enabled = try? FileBytes.read(folder + "/cgroup.subtree_control") else { return false }
        let controllers = String(decoding: enabled, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        return controllers.contains("memory") && controllers.contains("pids")
    }

    /// Makes `ringlet-<name>` under each parent and writes the limits; a limit left nil stays "max".
    public static func create(name: String, memoryBytes: Int?, maxProcesses: Int?) throws(SandboxError) -> Cgroup {
        guard let (version, parents) = available() else { throw .limits("no writable cgroup for the run's limits") }
        let folders = parents.map { $0 + "/ringlet-" + name }
        let group = Cgroup(version: version, folders: folders)
        do throws(SystemError) {
            for folder in folders { try Directory.create(folder, mode: 0o755) }
            switch version {
            case .v2:
                if let memoryBytes {
                    try group.write("memory.max", String(memoryBytes))
                    try? group.write("memory.swap.max", "0")
                }
                if let maxProcesses { try group.write("pids.max", String(maxProcesses)) }
            case .v1:
                if let memoryBytes {
                    try group.write("memory.limit_in_bytes", String(memoryBytes), in: "memory")
                    // Without swap accounting the file is missing; the memory limit alone still holds.
                    try? group.write("memory.memsw.limit_in_bytes", String(memoryBytes), in: "memory")
                }
                if let maxProcesses { try group.write("pids.max", String(maxProcesses), in: "pids") }
            }
        } catch {
            group.remove()
            throw .limits("cannot set up the cgroup \(folders.joined(separator: ", ")): \(error)")
        }
        return group
    }

    /// Moves `pid` (and so everything it starts afterwards) into the group.
    public func add(_ pid: pid_t) throws(SandboxError) {
        do throws(SystemError) {
            for folder in folders { try Self.writeControl(folder + "/cgroup.procs", String(pid)) }
        } catch {
            throw .limits("cannot move the sandbox into its cgroup: \(error)")
        }
    }

    /// Kills what is still inside and removes the folders; the kernel frees a group only once it is empty.
    public func remove() {
        for folder in folders.reversed() where FileStatus.of(folder) == .directory {
            for _ in 0 ..< 100 {
                if rmdir(folder) == 0 || errno == ENOENT { break }
                for pid in members(folder) { kill(pid, SIGKILL) }
                usleep(10_000)
            }
        }
    }

    /// Whether the group's memory limit was hit (the kernel's OOM killer acted inside it).
    public var memoryLimitWasHit: Bool {
        switch version {
        case .v2: (counter("memory.events", key: "oom_kill") ?? 0) > 0
        case .v1: (counter("memory.oom_control", key: "oom_kill", in: "memory") ?? 0) > 0
        }
    }

    private func members(_ folder: String) -> [pid_t] {
        guard let bytes = try? FileBytes.read(folder + "/cgroup.procs") else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) }
    }

    private func folder(for controller: String?) -> String {
        guard version == .v1, let controller else { return folders[0] }
        return folders.first { $0.contains("/\(controller)/") } ?? folders[0]
    }

    private func write(_ file: String, _ value: String, in controller: String? = nil) throws(SystemError) {
        try Self.writeControl(folder(for: controller) + "/" + file, value)
    }

    /// Control files take one write of the value; they are not regular files to replace.
    private static func writeControl(_ path: String, _ value: String) throws(SystemError) {
        let file = try FileDescriptor.open(path, flags: O_WRONLY, operation: "write")
        defer { file.close() }
        try file.writeAll(Array(value.utf8))
    }

    /// `key N` from a flat keyed file such as memory.events.
    private func counter(_ file: String, key: String, in controller: String? = nil) -> Int? {
        guard let bytes = try? FileBytes.read(folder(for: controller) + "/" + file) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == key { return Int(words[1]) }
        }
        return nil
    }
}
