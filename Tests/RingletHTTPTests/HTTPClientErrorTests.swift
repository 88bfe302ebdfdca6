import RingletHTTP
import Testing

@Suite struct HTTPClientErrorTests {
    let url = try! HTTPURL(parsing: "https://registry.example/agents/claude.yaml")

    @Test(arguments: [(Duration.seconds(2), "2s"), (.milliseconds(1500), "1.5s"), (.milliseconds(250), "250ms")])
    func timeoutMessageNamesDurationAndURL(duration: Duration, text: String) {
        let message = HTTPClientError.timedOut(url, after: duration, stage: .receivingResponse).description
        #expect(message.hasPrefix("timed out after \(text) waiting for https://registry.example/agents/claude.yaml"))
    }

    @Test func limitsAreShownInBinaryUnits() {
        #expect(HTTPClientError.bodyTooLarge(url, limit: 32 << 20).description
            == "response from \(url) exceeds the 32 MiB limit; raise the client's maxBodyBytes if the file is really this large")
        #expect(HTTPClientError.headersTooLarge(url, limit: 64 << 10).description.contains("64 KiB limit"))
        #expect(HTTPClientError.bodyTooLarge(url, limit: 1000).description.contains("1000 bytes limit"))
    }

    @Test func certificateMessageSaysWhatToDo() {
        #expect(HTTPClientError.certificateNotTrusted(host: "example.test", reason: "self-signed certificate").description
            == "TLS certificate of example.test could not be verified: self-signed certificate; "
            + "pass a CA file or fix the server's certificate")
    }

    @Test func connectMessageBracketsIPv6() throws {
        let url = try HTTPURL(parsing: "http://[::1]:8080/")
        #expect(HTTPClientError.cannotConnect(url, reason: "connection refused").description
            == "cannot connect to [::1]:8080 (connection refused): is the server running?")
    }
}
