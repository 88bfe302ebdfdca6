import RingletRemote
import Testing

@Test func unknownRemoteSaysHowToAddIt() {
    #expect(RemoteError.unknownRemote("lab").description.contains("ringlet remotes add lab"))
}
