import RingletSystem

/// Where a registry's files come from.
///
/// A folder is read in place, so edits show at once; a git repository and an HTTP(S) URL are fetched
/// into the cache, verified, and used from there, so they keep working offline.
public enum RegistrySource: Sendable, Hashable, CustomStringConvertible {
    case builtin
    case directory(path: String)
    case git(url: String, ref: String?)
    case http(url: String)

    public enum Kind: String, Sendable, CaseIterable {
        case builtin, dir, git, http
    }

    public var kind: Kind {
        switch self {
        case .builtin: .builtin
        case .directory: .dir
        case .git: .git
        case .http: .http
        }
    }

    /// The location as written in config and lockfiles (a path or URL; `builtin` for the built-in one).
    public var location: String {
        switch self {
        case .builtin: "builtin"
        case .directory(let path): path
        case .git(let url, _): url
        case .http(let url): url
        }
    }

    public var ref: String? {
        if case .git(_, let ref) = self { return ref }
        return nil
    }

    public var description: String {
        switch self {
        case .git(let url, let ref?): "git \(url) @ \(ref)"
        default: "\(kind.rawValue) \(location)"
        }
    }

    private static func isGitRepository(_ path: String) -> Bool {
        FileStatus.of(path + "/.git") != .missing || FileStatus.of(path + "/HEAD") != .missing && FileStatus.of(path + "/objects") == .directory
    }

    /// Recognises a source the way a user writes it, or as `kind` says when given.
    ///
    /// `http(s)://…` is an HTTP registry unless it ends in `.git`; `git@…`, `ssh://`, `git://`, `file://`
    /// and `*.git` are git; a local git repository is fetched with git when
    /// `--ref` is given or nothing is checked out, and any other folder with `registry.yaml` is read in place.
    public static func detect(_ text: String, kind: Kind?, ref: String?) throws(RegistryError) -> RegistrySource {
        let lower = text.lowercased()
        let isURL = lower.hasPrefix("https://") || lower.hasPrefix("http://")
        let looksLikeGit = lower.hasPrefix("git@") || lower.hasPrefix("ssh://") || lower.hasPrefix("git://")
            || lower.hasPrefix("file://") || lower.hasSuffix(".git") || lower.hasSuffix(".git/")
        let resolvedKind: Kind
        if let kind {
            resolvedKind = kind
        } else if looksLikeGit {
            resolvedKind = .git
        } else if isURL {
            resolvedKind = .http
        } else if isGitRepository(text) && (ref != nil || FileStatus.of(text + "/registry.yaml") == .missing) {
            // A repository is read through git when a ref is asked for, or when its tree has no registry.yaml checked out.
            resolvedKind = .git
        } else if FileStatus.of(text + "/registry.yaml") != .missing {
            resolvedKind = .dir
        } else if FileStatus.of(text) == .directory {
            throw .invalidSource(text, "the folder has no registry.yaml; is it a registry? (`ringlet registry lint \(text)` checks one)")
        } else {
            throw .invalidSource(text, "no such folder, and not an http(s):// or git URL")
        }
        if ref != nil && resolvedKind != .git {
            throw .invalidSource(text, "--ref applies to git registries only")
        }
        switch resolvedKind {
        case .builtin:
            throw .invalidSource(text, "the built-in registry is always present and cannot be added")
        case .dir:
            guard let path = FileStatus.realPath(text), FileStatus.of(path) == .directory else {
                throw .invalidSource(text, "no such folder")
            }
            return .directory(path: path)
        case .git:
            let isRemote = lower.contains("://") && !lower.hasPrefix("file://") || lower.hasPrefix("git@")
            if !isRemote && !lower.hasPrefix("file://") {
                guard let path = FileStatus.realPath(text) else { throw .invalidSource(text, "no such git repository") }
                return .git(url: path, ref: ref)
            }
            return .git(url: text, ref: ref)
        case .http:
            guard isURL else { throw .invalidSource(text, "an HTTP registry needs an http:// or https:// URL") }
            return .http(url: text.hasSuffix("/") ? text : text + "/")
        }
    }
}
