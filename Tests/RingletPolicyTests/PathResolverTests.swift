import Foundation
@testable import RingletPolicy
import RingletTestSupport
import Testing

/// How a rule's path as written becomes the absolute, normalized path rules are compared by.
@Suite struct PathResolverTests {
    /// HOME and the base folder are made-up paths that do not exist, so no symlink is involved.
    static let resolver = PathResolver(home: "/nonexistent-home/me", environment: environment(["PROJECT": "shop", "EMPTY": "", "DEEP": "x/y"]))
    static let base = "/nonexistent-base/proj"

    static func resolve(_ written: String, _ resolver: PathResolver = Self.resolver) -> Result<String, PathResolver.PathProblem> {
        resolver.resolve(written, relativeTo: base)
    }

    static let resolved: [(String, String)] = [
        ("~", "/nonexistent-home/me"),
        ("~/", "/nonexistent-home/me"),
        ("~/.config/gh", "/nonexistent-home/me/.config/gh"),
        ("$PROJECT", base + "/shop"),
        ("/srv/$PROJECT/src", "/srv/shop/src"),
        ("/srv/${PROJECT}s", "/srv/shops"),
        ("/srv/$PROJECT.d", "/srv/shop.d"),
        ("$DEEP/z", base + "/x/y/z"),
        ("src", base + "/src"),
        ("./src/./lib", base + "/src/lib"),
        (".", base),
        ("src//lib/", base + "/src/lib"),
        ("/a/./b//c/../d/", "/a/b/d"),
        ("/a/b/../../..", "/"),
        ("//", "/"),
        ("/", "/"),
        ("~/../other", "/nonexistent-home/other"),
    ]

    @Test(arguments: resolved)
    func resolves(_ row: (String, String)) {
        #expect(Self.resolve(row.0) == .success(row.1))
    }

    static let refused: [(String, String)] = [
        ("", "the path is empty"),
        ("~root/x", "'~user' paths are not supported; write the path out"),
        ("/srv/$NOPE/x", "$NOPE is not set, so '/srv/$NOPE/x' names no path"),
        ("/srv/${NOPE}", "$NOPE is not set, so '/srv/${NOPE}' names no path"),
        ("/srv/$EMPTY/x", "$EMPTY is not set, so '/srv/$EMPTY/x' names no path"),
        ("/srv/${PROJECT", "'${' without a closing '}' in '/srv/${PROJECT'"),
        ("/srv/$/x", "'$' without a variable name in '/srv/$/x'"),
        ("../x", "relative path '../x' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
        ("src/../../x", "relative path 'src/../../x' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
        ("..", "relative path '..' climbs out with '..'; write it from a folder above, or as an absolute or ~ path"),
    ]

    @Test(arguments: refused)
    func refuses(_ row: (String, String)) {
        guard case .failure(let problem) = Self.resolve(row.0) else {
            Issue.record("'\(row.0)' resolved to \(Self.resolve(row.0))")
            return
        }
        #expect(problem.description == row.1)
    }

    @Test func aVariableThatExpandsToDotDotInARelativePathIsRefusedToo() {
        let resolver = PathResolver(home: "/h", environment: environment(["UP": "../secrets"]))
        #expect((try? Self.resolve("$UP", resolver).get()) == nil)
    }

    // MARK: Symlinks

    @Test func symlinksResolveWhereThePathExistsAndTheRestIsAppended() throws {
        let temporary = try TemporaryDirectory("ringlet-paths")
        let root = realPath(temporary.path)
        try makeFolder(root + "/real/dir")
        try makeSymlink(root + "/link", to: root + "/real")
        try makeSymlink(root + "/real/dir/up", to: "..")

        #expect(Self.resolve(root + "/link") == .success(root + "/real"))
        #expect(Self.resolve(root + "/link/dir") == .success(root + "/real/dir"))
        #expect(Self.resolve(root + "/link/dir/not/yet/there") == .success(root + "/real/dir/not/yet/there"))
        #expect(Self.resolve(root + "/link/dir/up/dir") == .success(root + "/real/dir"), "a relative symlink is followed too")
        // A relative path is resolved against the base folder, which may itself be reached through a link.
        #expect(Self.resolver.resolve("dir/new", relativeTo: root + "/link") == .success(root + "/real/dir/new"))
        // So is HOME.
        let linkedHome = PathResolver(home: root + "/link", environment: environment([:]))
        #expect(linkedHome.resolve("~/dir", relativeTo: "/") == .success(root + "/real/dir"))
        #expect(PathResolver.canonical(root + "/link/missing") == root + "/real/missing")
        #expect(PathResolver.canonical("/") == "/")
    }

    @Test func foldingIsTextualBeforeSymlinksAreResolved() throws {
        let temporary = try TemporaryDirectory("ringlet-paths")
        let root = realPath(temporary.path)
        try makeFolder(root + "/real/dir")
        try makeSymlink(root + "/link", to: root + "/real/dir")
        // `link/..` folds to `root` as written (the documented order), not to the link target's parent.
        #expect(Self.resolve(root + "/link/../x") == .success(root + "/x"))
    }

    // MARK: normalize and isWithin

    @Test(arguments: [("/a/./b//c/../d/", "/a/b/d"), ("/..", "/"), ("/a/..", "/"), ("///a///", "/a"), ("/a/b", "/a/b"), ("/.", "/")])
    func normalize(_ row: (String, String)) {
        #expect(PathResolver.normalize(row.0) == row.1)
    }

    static let within: [(path: String, ancestor: String, inside: Bool)] = [
        ("/a/b", "/a/b", true),
        ("/a/b/c", "/a/b", true),
        ("/a/b/c/d", "/a/b", true),
        ("/a/bc", "/a/b", false),
        ("/a/b-c", "/a/b", false),
        ("/a/b.bak", "/a/b", false),
        ("/a", "/a/b", false),
        ("/", "/a", false),
        ("/anything/at/all", "/", true),
        ("/", "/", true),
    ]

    @Test(arguments: within)
    func isWithin(_ row: (path: String, ancestor: String, inside: Bool)) {
        #expect(PathResolver.isWithin(row.path, row.ancestor) == row.inside)
    }
}
