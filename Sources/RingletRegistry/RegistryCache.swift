import Glibc
import RingletSystem

/// Fetched registry content, one folder per revision, and a `current` symlink per registry that is
/// switched with a single rename.
///
/// A revision folder is filled under a temporary name and renamed into place only when complete and
/// verified, so a crash or a failed fetch leaves the previous revision in use and nothing half-written.
public struct RegistryCache: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func folder(of registry: String) -> String { root + "/" + registry }

    /// The folder of the revision in use, or nil when the registry was never fetched.
    public func currentFolder(of registry: String) -> String? {
        let link = folder(of: registry) + "/current"
        guard let real = FileStatus.realPath(link), FileStatus.of(real) == .directory else { return nil }
        return real
    }

    /// The revision in use: a git commit, or `sha256:<digest of index.yaml>`.
    public func currentRevision(of registry: String) -> String? {
        guard let folder = currentFolder(of: registry), let slash = folder.lastIndex(of: "/") else { return nil }
        return RegistryCache.revision(fromFolderName: String(folder[folder.index(after: slash)...]))
    }

    /// Serialises fetches of one registry across processes.
    public func lock(_ registry: String) throws(RegistryError) -> FileLock {
        do throws(SystemError) {
            try Directory.create(folder(of: registry))
            return try FileLock(folder(of: registry) + "/.lock")
        } catch {
            throw .io("cannot lock the cache of registry '\(registry)': \(error)")
        }
    }

    /// Makes `revision` current, filling its folder with `populate` first unless it is already cached.
    public func install(_ registry: String, revision: String,
                        populate: (String) throws(RegistryError) -> Void) throws(RegistryError) -> String {
        let revisions = folder(of: registry) + "/revisions"
        let target = revisions + "/" + RegistryCache.folderName(forRevision: revision)
        do throws(SystemError) {
            try Directory.create(revisions)
        } catch {
            throw .io("cannot create \(revisions): \(error)")
        }
        if FileStatus.of(target) != .directory {
            let temporary = revisions + "/.incoming-\(getpid())-\(UInt32.random(in: 0 ... .max))"
            defer { try? Directory.removeTree(temporary) }
            do throws(SystemError) {
                try Directory.create(temporary)
            } catch {
                throw .io("cannot create \(temporary): \(error)")
            }
            try populate(temporary)
            // Whatever the source served, only a registry is switched in.
            do throws(RegistryError) {
                _ = try RegistryMetadata.load(from: .directory(temporary, label: registry + ":"))
            } catch {
                throw .fetchFailed(registry: registry, "the fetched content is not a registry: \(error)")
            }
            // Another process may have installed the same revision meanwhile; its copy is as good.
            guard rename(temporary, target) == 0 || FileStatus.of(target) == .directory else {
                throw .io("cannot move the fetched revision into \(target): \(String(cString: strerror(errno)))")
            }
        }
        try switchCurrent(registry, to: "revisions/" + RegistryCache.folderName(forRevision: revision))
        return target
    }

    public func remove(_ registry: String) throws(RegistryError) {
        do throws(SystemError) {
            try Directory.removeTree(folder(of: registry))
        } catch {
            throw .io("cannot remove the cache of registry '\(registry)': \(error)")
        }
    }

    private func switchCurrent(_ registry: String, to relativeTarget: String) throws(RegistryError) {
        let link = folder(of: registry) + "/current"
        let temporary = link + ".new-\(getpid())"
        unlink(temporary)
        guard symlink(relativeTarget, temporary) == 0, rename(temporary, link) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io("cannot switch registry '\(registry)' to its new revision: \(reason)")
        }
    }

    static func folderName(forRevision revision: String) -> String {
        revision.replacing(":", with: "-")
    }

    static func revision(fromFolderName name: String) -> String {
        name.hasPrefix("sha256-") ? "sha256:" + name.dropFirst(7) : name
    }
}
