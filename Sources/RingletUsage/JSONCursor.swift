import Glibc

/// A forward-only reader over one JSON text, for the few fields usage needs from lines that can be
/// megabytes long (tool results, file contents). It checks the structure it walks and skips what it
/// is not asked for without building it, which is what makes a scan run at disk speed where a full
/// decoder would build every string of every transcript line.
///
/// Every method returns nil (or false) on malformed input, never traps: the input is whatever an
/// agent wrote.
struct JSONCursor {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0
    /// Deeper than any agent's record; a hostile line cannot exhaust the stack.
    private static let maximumDepth = 128

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// The first byte of the next value, without consuming it: `{` for an object, `n` for null.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// True when only whitespace is left: a line with trailing garbage is malformed.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return position == bytes.count
    }

    /// Walks an object, calling `member` with each key's raw bytes (as written, escapes and all); the
    /// callback must consume the value (read it or `skipValue`) and return false to report it malformed.
    mutating func object(_ member: (UnsafeRawBufferPointer, inout JSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let key = rawString(), consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard member(key, &self) else { return false }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    /// The string at the cursor, unescaped; nil if the value is not a well-formed string.
    mutating func string() -> String? {
        skipWhitespace()
        guard let raw = rawString() else { return nil }
        guard raw.contains(Self.backslash) else { return String(decoding: raw, as: UTF8.self) }
        return Self.unescape(raw)
    }

    /// The string at the cursor, or nil when the value is `null`; a value of another type is malformed.
    mutating func optionalString() -> String?? {
        skipWhitespace()
        if literal("null") { return .some(nil) }
        return string().map { .some($0) } ?? nil
    }

    /// A non-negative integer; nil for anything else (a fraction, a sign, a string).
    mutating func integer() -> Int64? {
        skipWhitespace()
        var value: Int64 = 0
        let start = position
        while position < bytes.count, (0x30 ... 0x39).contains(bytes[position]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[position] - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            position += 1
        }
        guard position > start else { return nil }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) { return nil }
        return value
    }

    /// Skips one value of any type, checking its structure.
    mutating func skipValue() -> Bool {
        skipWhitespace()
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case Self.quote:
            return rawString() != nil
        case UInt8(ascii: "{"):
            return object { _, cursor in cursor.skipValue() }
        case UInt8(ascii: "["):
            position += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { return false }
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue() else { return false }
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            return number()
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for index in 0 ..< count where bytes[position + index] != word.utf8Start[index] { return false }
        position += count
        return true
    }

    private mutating func number() -> Bool {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        while position < bytes.count {
            switch bytes[position] {
            case 0x30 ... 0x39, UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): position += 1
            default: return position > start
            }
        }
        return position > start
    }

    /// The bytes between a string's quotes, escapes left in; the cursor moves past the closing quote.
    /// The closing quote is found with memchr, then checked for an odd run of backslashes before it.
    private mutating func rawString() -> UnsafeRawBufferPointer? {
        guard position < bytes.count, bytes[position] == Self.quote, let base = bytes.baseAddress else { return nil }
        let start = position + 1
        var search = start
        while search < bytes.count {
            guard let found = memchr(base + search, Int32(Self.quote), bytes.count - search) else { return nil }
            let end = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while end - backslashes - 1 >= start && bytes[end - backslashes - 1] == Self.backslash { backslashes += 1 }
            if backslashes % 2 == 0 {
                position = end + 1
                return UnsafeRawBufferPointer(rebasing: bytes[start ..< end])
            }
            search = end + 1
        }
        return nil
    }

    /// JSON string escapes, including \u surrogate pairs; nil for an invalid escape.
    private static func unescape(_ raw: UnsafeRawBufferPointer) -> String? {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for byte in raw[at ..< at + 4] {
                guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == backslash else {
                utf8.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { return nil }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4(index) else { return nil }
                index += 4
                if (0xD800 ..< 0xDC00).contains(code), index + 6 <= raw.count, raw[index] == backslash, raw[index + 1] == UInt8(ascii: "u"),
                   let low = hex4(index + 2), (0xDC00 ..< 0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: return nil
            }
        }
        flush()
        return String(scalars)
    }
}

extension UnsafeRawBufferPointer {
    /// Whether the bytes equal `text` (a key compared as written).
    func equals(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        guard count > 0, let baseAddress else { return true }
        return memcmp(baseAddress, text.utf8Start, count) == 0
    }
}
