import Glibc

/// Reads an agent's record file from an offset, in large chunks, a line at a time: lines are found
/// with memchr, and only lines the reader's byte-level check accepts are parsed at all.
enum RecordFile {
    /// Where reading stopped: `consumed` is just past the last complete line (where the next scan
    /// starts), `seen` the file's length when reading reached its end.
    struct End {
        var consumed: Int64
        var seen: Int64
    }

    static let chunk = 4 << 20

    static func read(_ path: String, from offset: Int64, reader: any UsageReader, state: inout ReaderState,
                     usage: (ParsedUsage, Int64) throws(UsageError) -> Void, malformed: (Int64) -> Void) -> Result<End, UsageError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .failure(.unreadable(path: path, reason: String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        var capacity = chunk
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var bufferStart = offset  // the file offset of buffer[0]
        var filled = 0
        while true {
            let count = pread(descriptor, buffer + filled, capacity - filled, off_t(bufferStart) + off_t(filled))
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(path: path, reason: String(cString: strerror(errno))))
            }
            if count == 0 { break }
            filled += count
            var lineStart = 0
            while lineStart < filled, let newline = memchr(buffer + lineStart, 0x0A, filled - lineStart) {
                let lineEnd = buffer.distance(to: newline)
                let line = UnsafeRawBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart)
                let lineOffset = bufferStart + Int64(lineStart)
                switch classify(line, reader: reader, state: &state) {
                case .usage(let parsed):
                    do throws(UsageError) { try usage(parsed, lineOffset) } catch { return .failure(error) }
                case .malformed: malformed(lineOffset)
                case .ignored: break
                }
                lineStart = lineEnd + 1
            }
            // Keep the unfinished line at the front; a line longer than the buffer grows it.
            if lineStart > 0 {
                memmove(buffer, buffer + lineStart, filled - lineStart)
                bufferStart += Int64(lineStart)
                filled -= lineStart
            } else if filled == capacity {
                let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                larger.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = larger
                capacity *= 2
            }
        }
        return .success(End(consumed: bufferStart, seen: bufferStart + Int64(filled)))
    }

    /// A line that is not one JSON object (cheaply: it must open with `{` and close with `}`) is malformed
    /// whatever it holds; one that is goes to the reader only if it may hold usage.
    static func classify(_ line: UnsafeRawBufferPointer, reader: any UsageReader, state: inout ReaderState) -> LineOutcome {
        var first = 0, last = line.count - 1
        while first <= last, line[first] == 0x20 || line[first] == 0x09 || line[first] == 0x0D { first += 1 }
        while last >= first, line[last] == 0x20 || line[last] == 0x09 || line[last] == 0x0D { last -= 1 }
        if first > last { return .ignored }
        guard line[first] == UInt8(ascii: "{"), line[last] == UInt8(ascii: "}") else { return .malformed }
        guard reader.mayHoldUsage(line) else { return .ignored }
        return reader.read(line, state: &state)
    }
}
