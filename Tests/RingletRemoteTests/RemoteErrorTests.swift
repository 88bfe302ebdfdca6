import RingletHTTP
import RingletRemote
import Testing

@Suite struct RemoteErrorTests {
    @Test func unknownRemoteSaysHowToAddIt() {
        #expect(RemoteError.unknownRemote("lab").description.contains("ringlet remotes add lab"))
    }

    @Test func refusedTokenSaysHowToReplaceIt() throws {
        let remote = try Remote(name: "lab", url: "http://10.0.0.5:8765")
        let text = RemoteError.rejected(remote, status: 401, message: "bad token").description
        #expect(text == "remote lab refused the token (401): bad token; update it with "
            + "`ringlet remotes add lab --url http://10.0.0.5:8765 --token TOKEN --force`")
    }
}
