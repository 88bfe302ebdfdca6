import RingletManifest

/// One profile's HOME and where its agent records usage: what a scan walks.
public struct UsageHome: Sendable, Hashable {
    /// The profile the usage is attributed to (the HOME's folder name under `homes/`).
    public var profile: String
    public var home: String
    public var source: UsageSource

    public init(profile: String, home: String, source: UsageSource) {
        self.profile = profile
        self.home = home
        self.source = source
    }
}
