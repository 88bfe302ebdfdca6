/// What a reader carries from one line of a file to the next, kept with the file's offset in the
/// index so an incremental scan resumes mid-file knowing what came before (Codex names its model and
/// session once, near the top, and repeats a token count it already reported).
public struct ReaderState: Sendable, Hashable {
    public var model: String?
    public var session: String?
    /// The cumulative total of the last token count counted, to skip the same count written again.
    public var lastTotal: Int64?

    public init(model: String? = nil, session: String? = nil, lastTotal: Int64? = nil) {
        self.model = model
        self.session = session
        self.lastTotal = lastTotal
    }

    /// One line of text: fields separated by tabs (never in model names, session ids or numbers).
    var encoded: String {
        [model ?? "", session ?? "", lastTotal.map(String.init) ?? ""].joined(separator: "\t")
    }

    init(encoded: String?) {
        let parts = (encoded ?? "").split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func part(_ index: Int) -> String? { index < parts.count && !parts[index].isEmpty ? parts[index] : nil }
        self.init(model: part(0), session: part(1), lastTotal: part(2).flatMap { Int64($0) })
    }
}
