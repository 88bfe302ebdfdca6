/// Cuts a byte stream from a socket into session messages, however the reads split it.
///
/// Bytes are appended as they arrive and messages taken out as soon as they are complete. A frame's
/// length is checked from its header, before its payload arrives, so a peer announcing a huge frame is
/// refused at once instead of being buffered; after any error the stream is out of step and the caller
/// closes the connection.
public struct SessionFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    /// Where unread bytes start; consumed bytes are dropped in bulk, not one frame at a time.
    private var offset = 0

    public init() {}

    /// Bytes received and not yet part of a message taken out.
    public var pendingCount: Int { buffer.count - offset }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if offset > 0 && offset >= buffer.count / 2 {
            buffer.removeFirst(offset)
            offset = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil until more bytes arrive.
    public mutating func next() throws(SessionError) -> SessionHostMessage? {
        guard pendingCount >= SessionHostMessage.headerLength else { return nil }
        let kind = buffer[offset]
        let length = buffer[offset + 1 ... offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard SessionHostMessage.Kind(rawValue: kind) != nil else {
            throw .malformedFrame("unknown frame type 0x\(String(kind, radix: 16))")
        }
        guard length <= SessionHostMessage.maximumPayload else {
            throw .malformedFrame("a frame announces \(length) bytes, more than the \(SessionHostMessage.maximumPayload)-byte limit")
        }
        guard pendingCount >= SessionHostMessage.headerLength + length else { return nil }
        let start = offset + SessionHostMessage.headerLength
        offset = start + length
        return try SessionHostMessage.decode(kind: kind, payload: buffer[start ..< start + length])
    }
}
