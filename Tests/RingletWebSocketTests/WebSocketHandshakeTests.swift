import RingletWebSocket
import Testing

@Suite struct WebSocketHandshakeTests {
    /// RFC 6455 section 1.2's sample request.
    let rfcRequest = [
        ("Host", "server.example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Origin", "http://example.com"),
        ("Sec-WebSocket-Protocol", "chat, superchat"),
        ("Sec-WebSocket-Version", "13"),
    ]

    func replacing(_ name: String, with value: String?) -> [(String, String)] {
        rfcRequest.filter { $0.0 != name } + (value.map { [(name, $0)] } ?? [])
    }

    @Test func acceptKeyMatchesRFC() {
        #expect(WebSocketHandshake.acceptKey(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func rfcRequestIsAccepted() throws {
        let upgrade = try WebSocketHandshake.validate(headers: rfcRequest, allowedOrigins: ["http://example.com"]).get()
        #expect(upgrade.acceptKey == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(upgrade.protocols == ["chat", "superchat"])
    }

    @Test func namesAndTokensIgnoreCaseAndRepeatedHeadersCombine() throws {
        let headers = [
            ("upgrade", "WebSocket"),
            ("CONNECTION", "keep-alive,  Upgrade "),
            ("sec-websocket-key", " dGhlIHNhbXBsZSBub25jZQ==\t"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-protocol", "chat"),
            ("Sec-WebSocket-Protocol", "superchat"),
            ("Origin", "HTTP://LOCALHOST:8080"),
        ]
        let upgrade = try WebSocketHandshake.validate(headers: headers, allowedOrigins: ["http://localhost:8080"]).get()
        #expect(upgrade.protocols == ["chat", "superchat"])
        #expect(upgrade.acceptKey == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func requestWithoutOriginIsAccepted() throws {
        let upgrade = try WebSocketHandshake.validate(headers: replacing("Origin", with: nil), allowedOrigins: []).get()
        #expect(upgrade.protocols == ["chat", "superchat"])
    }

    @Test func badRequestsAreRejectedWithTheirStatus() {
        let cases: [([(String, String)], WebSocketHandshakeError, Int)] = [
            (replacing("Upgrade", with: nil), .missingUpgradeHeader, 400),
            (replacing("Upgrade", with: "h2c"), .missingUpgradeHeader, 400),
            (replacing("Connection", with: "keep-alive"), .missingConnectionUpgrade, 400),
            (replacing("Sec-WebSocket-Version", with: "8"), .unsupportedVersion("8"), 426),
            (replacing("Sec-WebSocket-Version", with: nil), .unsupportedVersion(nil), 426),
            (replacing("Sec-WebSocket-Key", with: nil), .invalidKey(nil), 400),
            (replacing("Sec-WebSocket-Key", with: "c2hvcnQ="), .invalidKey("c2hvcnQ="), 400),
            (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZR=="), .invalidKey("dGhlIHNhbXBsZSBub25jZR=="), 400),
            (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZ*=="), .invalidKey("dGhlIHNhbXBsZSBub25jZ*=="), 400),
            (rfcRequest + [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")], .invalidKey("dGhlIHNhbXBsZSBub25jZQ=="), 400),
            (rfcRequest, .forbiddenOrigin("http://example.com"), 403),
        ]
        for (headers, error, status) in cases {
            #expect(WebSocketHandshake.validate(headers: headers, allowedOrigins: ["http://localhost"]) == .failure(error))
            #expect(error.status == status)
            #expect(!error.description.isEmpty)
        }
    }
}
