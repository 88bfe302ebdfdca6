/// How far a scan is, for a progress line: bytes read of the bytes that are new since the last scan.
public struct ScanProgress: Sendable, Hashable {
    public var bytesRead: Int64
    public var bytesToRead: Int64
}
