/// What one scan did: how much it read, what it found, and what it had to skip.
public struct ScanSummary: Sendable, Hashable {
    public var files = 0
    /// Files read from an offset because they grew, or from the start because they are new or were replaced.
    public var filesRead = 0
    public var bytesRead: Int64 = 0
    public var records = 0
    /// Lines that are not what the format promises, skipped.
    public var malformedLines = 0
    /// `path:line-offset` of the first few malformed lines, to point at.
    public var malformedExamples: [String] = []
    /// Files that exist but could not be read, with why.
    public var unreadable: [String] = []

    public init() {}
}
