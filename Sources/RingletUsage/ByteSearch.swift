import Glibc

/// Substring search on raw bytes. Glibc's memmem is not in Swift's Glibc module, so: memchr for the
/// needle's least common byte (never the quote, which JSON is full of), then a memcmp where it fits.
enum ByteSearch {
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        guard let base = haystack.baseAddress, length > 0, haystack.count >= length else { return false }
        let anchor = length > 1 ? 1 : 0
        let anchorByte = Int32(needle.utf8Start[anchor])
        var position = anchor
        let lastStart = haystack.count - length
        while position <= lastStart + anchor {
            guard let found = memchr(base + position, anchorByte, lastStart + anchor + 1 - position) else { return false }
            let at = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + at - anchor, needle.utf8Start, length) == 0 { return true }
            position = at + 1
        }
        return false
    }
}
