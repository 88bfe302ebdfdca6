/// The kinds of manifest a registry holds, each in its own top-level folder (`agents/`, `providers/` …).
public enum ManifestKind: String, Sendable, CaseIterable, Codable, Comparable {
    case agent
    case provider
    case hooks
    case egg

    /// The registry folder that holds this kind.
    public var folder: String {
        switch self {
        case .agent: "agents"
        case .provider: "providers"
        case .hooks: "hooks"
        case .egg: "eggs"
        }
    }

    public init?(folder: String) {
        guard let kind = ManifestKind.allCases.first(where: { $0.folder == folder }) else { return nil }
        self = kind
    }

    public static func < (a: ManifestKind, b: ManifestKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
