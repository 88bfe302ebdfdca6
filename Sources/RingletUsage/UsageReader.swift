/// Reads one agent's record format, a line at a time. A reader is chosen by name in the agent
/// manifest's `usage.reader`, so a new agent writing a known format needs only a manifest.
public protocol UsageReader: Sendable {
    /// The name manifests use (`claude-transcripts`).
    var name: String { get }

    /// Whether a line may hold usage, checked on raw bytes before any parsing: most lines of a
    /// transcript are prompts and tool output, and this keeps the scan from looking into them.
    func mayHoldUsage(_ line: UnsafeRawBufferPointer) -> Bool

    /// What one complete line (without its newline) holds; `state` carries context between lines.
    func read(_ line: UnsafeRawBufferPointer, state: inout ReaderState) -> LineOutcome
}
