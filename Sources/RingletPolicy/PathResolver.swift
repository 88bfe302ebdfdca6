import RingletSystem

/// Turns a path as a layer wrote it into the absolute, normalized path rules are compared by:
/// `~` is the user's home, `$VAR` and `${VAR}` come from the environment, a relative path is relative
/// to the folder of the file that names it, `.` and `..` are folded, and symlinks are resolved as far
/// as the path exists.
public struct PathResolver: Sendable {
    public var home: String
    public var environment: @Sendable (String) -> String?

    public init(home: String, environment: @escaping @Sendable (String) -> String?) {
        self.home = home
        self.environment = environment
    }

    /// Why `written` cannot be a rule path, or the absolute path it names. Files may not climb out of
    /// their folder with `..`; a path typed on the command line (`allowParent`) may, as in a shell.
    public func resolve(_ written: String, relativeTo base: String, allowParent: Bool = false) -> Result<String, PathProblem> {
        guard !written.isEmpty else { return .failure(.init("the path is empty")) }
        var path = written
        if path == "~" || path.hasPrefix("~/") {
            path = home + path.dropFirst()
        } else if path.hasPrefix("~") {
            return .failure(.init("'~user' paths are not supported; write the path out"))
        }
        switch expandVariables(path) {
        case .success(let expanded): path = expanded
        case .failure(let problem): return .failure(problem)
        }
        if !path.hasPrefix("/") {
            if !allowParent && path.split(separator: "/").contains("..") {
                return .failure(.init("relative path '\(written)' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"))
            }
            path = base + "/" + path
        }
        return .success(PathResolver.canonical(PathResolver.normalize(path)))
    }

    public struct PathProblem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private func expandVariables(_ path: String) -> Result<String, PathProblem> {
        var result = ""
        var rest = Substring(path)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let name: Substring
            if rest.hasPrefix("{") {
                guard let close = rest.firstIndex(of: "}") else { return .failure(.init("'${' without a closing '}' in '\(path)'")) }
                name = rest[rest.index(after: rest.startIndex) ..< close]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? rest.endIndex
                name = rest[..<end]
                rest = rest[end...]
            }
            guard !name.isEmpty else { return .failure(.init("'$' without a variable name in '\(path)'")) }
            guard let value = environment(String(name)), !value.isEmpty else {
                return .failure(.init("$\(name) is not set, so '\(path)' names no path"))
            }
            result += value
        }
        return .success(result + rest)
    }

    /// Folds `.`, `..` and repeated slashes of an absolute path, without touching the file system.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Resolves symlinks in the longest prefix that exists; the rest is appended as written, so a rule
    /// for a path that does not exist yet still compares right once it does.
    public static func canonical(_ path: String) -> String {
        if let real = FileStatus.realPath(path) { return real }
        guard path != "/", let slash = path.lastIndex(of: "/") else { return path }
        let resolvedParent = canonical(parent(of: path))
        return (resolvedParent == "/" ? "" : resolvedParent) + path[slash...]
    }

    /// The folder holding an absolute path (`/` for `/x` and for `/`).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// Whether `path` is `ancestor` or inside it.
    public static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        ancestor == "/" || path == ancestor || path.hasPrefix(ancestor + "/")
    }

    /// How deep a path is; deeper is more specific.
    public static func depth(_ path: String) -> Int {
        path == "/" ? 0 : path.split(separator: "/").count
    }
}
