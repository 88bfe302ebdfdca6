/// A profile on a remote daemon, which `ringlet profiles run NAME --remote R` can start there.
public struct RemoteProfile: Codable, Sendable, Equatable {
    public var name: String
    public var agent: String
    public var provider: String?
    public var model: String?
    public var workspace: String
    public var sandbox: Bool
}
