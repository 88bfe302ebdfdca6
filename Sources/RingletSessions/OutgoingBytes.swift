/// Frames queued for a non-blocking socket, sent as the socket takes them.
///
/// Chunks are kept as queued, with an offset into the first, so sending never copies what is left; the
/// byte count is what back-pressure limits look at.
struct OutgoingBytes {
    private var chunks: [[UInt8]] = []
    private var first = 0
    private var sentOfFirst = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        count += bytes.count
    }

    /// Sends what `fd` takes now; false when the connection is gone.
    mutating func flush(to fd: Int32) -> Bool {
        while first < chunks.count {
            guard let sent = UnixSocket.send(fd, chunks[first][sentOfFirst...]) else { return false }
            if sent == 0 { break }
            sentOfFirst += sent
            count -= sent
            if sentOfFirst == chunks[first].count {
                first += 1
                sentOfFirst = 0
            }
        }
        if first == chunks.count || first > 64 {
            chunks.removeFirst(first)
            first = 0
        }
        return true
    }
}
