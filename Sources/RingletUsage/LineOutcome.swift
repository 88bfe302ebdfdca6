/// What a reader made of one line.
public enum LineOutcome: Sendable, Hashable {
    /// A model call's usage.
    case usage(ParsedUsage)
    /// A well-formed line that records no usage (a user turn, a tool result, metadata).
    case ignored
    /// Not the JSON the format promises: skipped, counted and reported.
    case malformed
}
