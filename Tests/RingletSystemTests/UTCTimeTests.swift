import RingletSystem
import Testing

@Suite struct UTCTimeTests {
    @Test func formatsAndParsesTheSameInstant() {
        #expect(UTCTime.format(seconds: 1_779_432_000) == "2026-05-22T06:40:00Z")
        #expect(UTCTime.format(milliseconds: 1_779_432_000_042) == "2026-05-22T06:40:00.042Z")
        #expect(UTCTime.parse("2026-05-22T06:40:00Z") == 1_779_432_000_000)
        #expect(UTCTime.parse("2026-05-22T06:40:00.042Z") == 1_779_432_000_042)
        #expect(UTCTime.parse("2026-05-22 06:40") == 1_779_432_000_000)
        #expect(UTCTime.parse("2026-05-22") == 1_779_408_000_000)
        #expect(UTCTime.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func refusesWhatIsNotADayOrATime() {
        for text in ["2026-02-31", "2026-13-01", "2026-05-22T25:00", "yesterday", "2026-05", "2026-05-22T06:40:00.Z", ""] {
            #expect(UTCTime.parse(text) == nil, "\(text)")
        }
    }
}
