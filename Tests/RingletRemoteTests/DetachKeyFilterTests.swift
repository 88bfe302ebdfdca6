import RingletRemote
import Testing

@Suite struct DetachKeyFilterTests {
    static let prefix = DetachKeyFilter.prefix

    @Test func plainBytesPassThrough() {
        var filter = DetachKeyFilter()
        #expect(filter.filter(Array("ls -l\r".utf8)) == .init(forward: Array("ls -l\r".utf8), detach: false))
    }

    @Test func prefixThenDDetachesAndDropsTheRest() {
        var filter = DetachKeyFilter()
        #expect(filter.filter([0x61, Self.prefix, 0x64, 0x62]) == .init(forward: [0x61], detach: true))
    }

    @Test func prefixTwiceSendsOnePrefix() {
        var filter = DetachKeyFilter()
        #expect(filter.filter([Self.prefix, Self.prefix, 0x64]) == .init(forward: [Self.prefix, 0x64], detach: false))
    }

    @Test func prefixThenAnotherByteSendsBoth() {
        var filter = DetachKeyFilter()
        #expect(filter.filter([Self.prefix, 0x44, Self.prefix, 0x03]) == .init(forward: [Self.prefix, 0x44, Self.prefix, 0x03], detach: false))
    }

    @Test func theKeyMayArriveInTheNextRead() {
        var filter = DetachKeyFilter()
        #expect(filter.filter([0x78, Self.prefix]) == .init(forward: [0x78], detach: false))
        #expect(filter.awaitingKey)
        #expect(filter.filter([0x64]) == .init(forward: [], detach: true))

        var other = DetachKeyFilter()
        _ = other.filter([Self.prefix])
        #expect(other.filter([0x79]) == .init(forward: [Self.prefix, 0x79], detach: false))
        #expect(!other.awaitingKey)
    }
}
