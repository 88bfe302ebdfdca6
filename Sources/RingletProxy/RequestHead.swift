/// The request line and headers a client sent, parsed under limits; the first thing the proxy reads.
struct RequestHead: Sendable {
    enum Problem: Error, Equatable {
        case tooLarge, malformed(String)
    }

    static let maxLineBytes = 8 << 10
    static let maxHeadBytes = 32 << 10
    static let maxHeaders = 100

    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]

    /// Parses `bytes` up to the blank line that ends the head; `bytes` must contain it.
    init(_ bytes: ArraySlice<UInt8>) throws(Problem) {
        var lines: [String] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end - start <= RequestHead.maxLineBytes else { throw .tooLarge }
                guard bytes[start ..< end].allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                    throw .malformed("control characters in the request")
                }
                lines.append(String(decoding: bytes[start ..< end], as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        while lines.last == "" { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[2].hasPrefix("HTTP/1.") else {
            throw .malformed("the request line is not 'METHOD TARGET HTTP/1.x'")
        }
        guard lines.count - 1 <= RequestHead.maxHeaders else { throw .tooLarge }
        method = String(parts[0])
        target = String(parts[1])
        version = String(parts[2])
        headers = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw .malformed("header line without a name: '\(line.prefix(40))'")
            }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces))
        }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The index just past the blank line ending the head in `buffer`, if it is there yet.
    static func end(in buffer: [UInt8]) -> Int? {
        guard buffer.count >= 2 else { return nil }
        var index = 1
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") {
                if buffer[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                if index >= 3, buffer[index - 1] == UInt8(ascii: "\r"), buffer[index - 2] == UInt8(ascii: "\n") { return index + 1 }
            }
            index += 1
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first ... last])
    }
}
