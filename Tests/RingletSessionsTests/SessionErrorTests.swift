import RingletSessions
import Testing

@Test func unreachableNamesTheSession() {
    #expect(SessionError.unreachable(session: "s1", reason: "no socket").description == "session s1 cannot be reached: no socket")
}

@Test func malformedFramesSayTheConnectionWasClosed() {
    #expect(SessionError.malformedFrame("unknown frame type 0x7f").description.contains("connection was closed"))
}
