/// The readers built into Ringlet, by the name manifests use.
public enum UsageReaders {
    public static let all: [any UsageReader] = [ClaudeTranscriptReader(), CodexSessionReader()]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) throws(UsageError) -> any UsageReader {
        guard let reader = all.first(where: { $0.name == name }) else { throw .unknownReader(name) }
        return reader
    }
}
