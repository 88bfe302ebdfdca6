import RingletManifest
import Testing

/// Sizes and durations are written with units; anything else is refused (nil), never read as zero.
@Suite struct ByteSizeAndDurationTests {
    @Test(arguments: [
        ("0", 0), ("1", 1), ("4096", 4096),
        ("64K", 64 << 10), ("64k", 64 << 10), ("512M", 512 << 20), ("512m", 512 << 20),
        ("4G", 4 << 30), ("1T", 1 << 40), ("007M", 7 << 20),
        ("8589934591G", 8_589_934_591 << 30), // the largest count of GiB that fits in Int
    ])
    func byteSizeParses(text: String, bytes: Int) throws {
        let size = try #require(ByteSize(parsing: text))
        #expect(size.bytes == bytes)
        #expect(size.description == text, "the size prints as the user wrote it")
    }

    @Test(arguments: [
        "", "G", "lots", "4GB", "4 G", " 4G", "4G ", "1.5G", "-1", "-1M", "+1M", "4P", "0x10",
        "8589934592G", // one GiB too many for Int
        "99999999999999999999", // does not fit in Int
        "١٢M", // Arabic-Indic digits are digits, but not ASCII ones
    ])
    func byteSizeRefuses(text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test(arguments: [
        ("0ms", 0), ("500ms", 500), ("10s", 10_000), ("5m", 300_000), ("1h", 3_600_000), ("90s", 90_000),
        ("2562047788015h", 2_562_047_788_015 * 3_600_000), // the largest whole number of hours in Int milliseconds
    ])
    func durationParses(text: String, milliseconds: Int) throws {
        let duration = try #require(DurationValue(parsing: text))
        #expect(duration.milliseconds == milliseconds)
        #expect(duration.description == text)
    }

    @Test(arguments: [
        "", "10", "0", "s", "ms", "m", "10S", "10 s", "1.5s", "-5s", "+5s", "5sec", "5d", "10mss", "s10",
        "2562047788016h", // overflows Int milliseconds
        "99999999999999999999ms",
    ])
    func durationRefuses(text: String) {
        #expect(DurationValue(parsing: text) == nil)
    }

    /// `500ms` must not be read as minutes or seconds because `m` and `s` are suffixes of it.
    @Test func millisecondsAreNotMistakenForMinutesOrSeconds() throws {
        #expect(try #require(DurationValue(parsing: "500ms")).milliseconds == 500)
        #expect(try #require(DurationValue(parsing: "3m")).milliseconds == 180_000)
    }
}
