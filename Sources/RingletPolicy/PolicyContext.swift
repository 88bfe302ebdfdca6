import RingletSystem

/// The places a policy is about: the workspace, the profile's private HOME, the user's real HOME (whose
/// secrets are denied), and Ringlet's own directories (never visible to an agent).
public struct PolicyContext: Sendable {
    public var workspace: String
    public var profileHome: String
    public var userHome: String
    public var directories: RingletDirectories
    public var resolver: PathResolver

    public init(workspace: String, profileHome: String, userHome: String, directories: RingletDirectories,
                environment: @escaping @Sendable (String) -> String?) {
        self.workspace = PathResolver.canonical(PathResolver.normalize(workspace))
        self.profileHome = PathResolver.canonical(PathResolver.normalize(profileHome))
        self.userHome = PathResolver.canonical(PathResolver.normalize(userHome))
        self.directories = directories
        resolver = PathResolver(home: self.userHome, environment: environment)
    }

    /// `~`, `$VAR` and paths relative to `base` (default: the workspace), for rules that cannot be wrong.
    func path(_ written: String, relativeTo base: String? = nil) -> String {
        switch resolver.resolve(written, relativeTo: base ?? workspace) {
        case .success(let path): path
        case .failure: PathResolver.normalize(base ?? workspace) + "/" + written
        }
    }
}
