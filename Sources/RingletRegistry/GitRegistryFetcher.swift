import Glibc
import RingletSystem

/// Fetches a git registry with the `git` command into a bare mirror in the cache, then exports the
/// commit the ref names as a revision folder.
///
/// The mirror keeps every fetched commit, which is what lets `registry verify` tell a moved tag or a
/// vanished pinned commit from an ordinary new commit on a branch.
public struct GitRegistryFetcher: Sendable {
    public let registry: String
    public let url: String
    public let ref: String?
    public let cache: RegistryCache

    public init(registry: String, url: String, ref: String?, cache: RegistryCache) {
        self.registry = registry
        self.url = url
        self.ref = ref
        self.cache = cache
    }

    var mirror: String { cache.folder(of: registry) + "/mirror.git" }

    /// Fetches and switches to the ref's commit; returns the commit.
    public func update() throws(RegistryError) -> String {
        if let ref, ref.hasPrefix("-") || ref.isEmpty {
            throw .invalidSource(url, "'\(ref)' is not a git ref")
        }
        let lock = try cache.lock(registry)
        defer { lock.unlock() }
        try refreshMirror()
        let commit = try resolve(ref ?? "HEAD")
        _ = try cache.install(registry, revision: commit) { (folder) throws(RegistryError) in
            let archive = folder + ".tar"
            defer { try? Directory.removeTree(archive) }
            try git(["-C", mirror, "archive", "--format=tar", "-o", archive, commit], what: "export \(commit)")
            try run("tar", ["-x", "-f", archive, "-C", folder, "--no-same-owner", "--no-same-permissions"], what: "unpack \(commit)")
        }
        return commit
    }

    /// The commit a ref names in the mirror, or an error naming the ref when it does not exist.
    public func resolve(_ ref: String) throws(RegistryError) -> String {
        let result = try git(["-C", mirror, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"],
                             what: "resolve", allowFailure: true)
        guard result.status == 0 else {
            throw .fetchFailed(registry: registry, "ref '\(ref)' does not exist in \(url)")
        }
        return result.stdoutText.trimmingWhitespace
    }

    /// Whether `ref` is a tag (tags are expected never to move; branches move with every commit).
    public func isTag(_ ref: String) -> Bool {
        (try? git(["-C", mirror, "show-ref", "--verify", "--quiet", "refs/tags/" + ref], what: "inspect", allowFailure: true).status) == 0
    }

    /// Whether a commit still exists in the mirror and is reachable from a branch or tag of the source.
    public func isReachable(_ commit: String) -> Bool {
        guard let result = try? git(["-C", mirror, "for-each-ref", "--contains", commit, "--format=%(refname)"],
                                    what: "inspect", allowFailure: true) else { return false }
        return result.status == 0 && !result.stdoutText.trimmingWhitespace.isEmpty
    }

    private func refreshMirror() throws(RegistryError) {
        if FileStatus.of(mirror) == .directory {
            try git(["-C", mirror, "fetch", "--quiet", "--prune", "--force", "--", url,
                     "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], what: "fetch")
            return
        }
        let incoming = mirror + ".incoming"
        try? Directory.removeTree(incoming)
        defer { try? Directory.removeTree(incoming) }
        try git(["clone", "--bare", "--quiet", "--", url, incoming], what: "clone")
        guard rename(incoming, mirror) == 0 else {
            throw .io("cannot install the git mirror at \(mirror): \(String(cString: strerror(errno)))")
        }
    }

    @discardableResult
    private func git(_ arguments: [String], what: String, allowFailure: Bool = false) throws(RegistryError) -> Subprocess.Result {
        // Never prompt for credentials on a terminal nobody watches, and keep messages parseable.
        let environment = ["GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"]
        return try run("git", arguments, what: what, environment: environment, allowFailure: allowFailure)
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String], what: String, environment: [String: String] = [:],
                     allowFailure: Bool = false) throws(RegistryError) -> Subprocess.Result {
        let result: Subprocess.Result
        do throws(SystemError) {
            result = try Subprocess(program, arguments, environment: environment).run()
        } catch {
            throw .fetchFailed(registry: registry, error.description)
        }
        if result.status != 0 && !allowFailure {
            let detail = result.stderrText.trimmingWhitespace
            throw .fetchFailed(registry: registry, "git could not \(what) \(url): \(detail.isEmpty ? "exit status \(result.status)" : detail)")
        }
        return result
    }
}
