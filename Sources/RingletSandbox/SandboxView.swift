import RingletPolicy

/// The sandbox's file system as the mounts planned so far make it: for any path inside, which host
/// path shows there (if any) and whether it is writable.
///
/// The plan needs this because the sandbox's view is not the host's: the profile's home sits at the
/// user's HOME and /tmp is empty, so a host path may be invisible, or visible somewhere else. A rule
/// then needs a mount only where its host path actually shows; a denial of something nobody can see
/// costs nothing and creates nothing.
struct SandboxView {
    struct Mount {
        var destination: String
        /// The host path shown at `destination`, nil for a tmpfs or a kernel file system.
        var source: String?
        var writable: Bool
    }

    private(set) var mounts: [Mount] = []

    mutating func mount(_ destination: String, from source: String?, writable: Bool) {
        mounts.append(Mount(destination: destination, source: source, writable: writable))
    }

    /// The mount that decides what is seen at `path`: the last one covering it.
    func covering(_ path: String) -> Mount? {
        mounts.last { PathResolver.isWithin(path, $0.destination) }
    }

    /// The host path seen at sandbox path `path`, or nil when a tmpfs (or nothing) is there.
    func hostPath(at path: String) -> String? {
        guard let mount = covering(path), let source = mount.source else { return nil }
        let suffix = path.dropFirst(mount.destination == "/" ? 0 : mount.destination.count)
        return source == "/" ? (suffix.isEmpty ? "/" : String(suffix)) : source + suffix
    }

    /// Sandbox paths where host path `path` shows: at its own path, and where a moved mount (the
    /// profile's home at HOME) carries it.
    func places(showing path: String) -> [String] {
        var places: [String] = []
        if hostPath(at: path) == path { places.append(path) }
        for mount in mounts {
            guard let source = mount.source, source != "/", mount.destination != source,
                  PathResolver.isWithin(path, source) else { continue }
            let place = mount.destination + path.dropFirst(source.count)
            if hostPath(at: place) == path && !places.contains(place) { places.append(place) }
        }
        return places
    }
}
