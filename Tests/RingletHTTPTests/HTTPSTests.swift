import RingletHTTP
import Testing

@Suite struct HTTPSTests {
    static let localSAN = "DNS:localhost,IP:127.0.0.1"

    @Test func selfSignedCertificateIsRejectedWithoutCAFile() throws {
        try TestCertificate.with(commonName: "localhost", subjectAltName: Self.localSAN) { certificate in
            try TestServer.with(tls: certificate) { server in
                let error = #expect(throws: HTTPClientError.self) {
                    try HTTPClient(timeout: .seconds(20)).get(server.url("/hello"))
                }
                #expect(error == .certificateNotTrusted(host: "127.0.0.1", reason: "self-signed certificate"))
                #expect(error?.description.contains("pass a CA file") == true)
            }
        }
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func trustedWithCAFile(host: String) throws {
        try TestCertificate.with(commonName: "localhost", subjectAltName: Self.localSAN) { certificate in
            try TestServer.with(tls: certificate) { server in
                let client = HTTPClient(timeout: .seconds(20), caFile: certificate.certificatePath)
                let response = try client.get(server.url("/hello", host: host))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
            }
        }
    }

    @Test(arguments: [("127.0.0.1", "IP address mismatch"), ("localhost", "hostname mismatch")])
    func certificateForAnotherNameIsRejected(host: String, reason: String) throws {
        try TestCertificate.with(commonName: "other.example", subjectAltName: "DNS:other.example") { certificate in
            try TestServer.with(tls: certificate) { server in
                let client = HTTPClient(timeout: .seconds(20), caFile: certificate.certificatePath)
                #expect(throws: HTTPClientError.certificateNotTrusted(host: host, reason: reason)) {
                    try client.get(server.url("/hello", host: host))
                }
            }
        }
    }

    @Test func redirectToPlainHTTPIsRefused() throws {
        try TestCertificate.with(commonName: "localhost", subjectAltName: Self.localSAN) { certificate in
            try TestServer.with(tls: certificate) { server in
                let client = HTTPClient(timeout: .seconds(20), caFile: certificate.certificatePath)
                let from = try server.url("/downgrade")
                let to = try HTTPURL(parsing: "http://127.0.0.1:\(server.port)/hello")
                #expect(throws: HTTPClientError.insecureRedirect(from: from, to: to)) {
                    try client.get(from)
                }
            }
        }
    }

    @Test func plainHTTPServerFailsTheHandshake() throws {
        try TestServer.with { server in
            let url = try HTTPURL(parsing: "https://127.0.0.1:\(server.port)/hello")
            let error = #expect(throws: HTTPClientError.self) { try HTTPClient(timeout: .seconds(20)).get(url) }
            guard case .tlsHandshakeFailed(url, _)? = error else {
                Issue.record("expected tlsHandshakeFailed, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func silentServerTimesOutInTheHandshake() throws {
        let listener = SilentListener()
        let url = try HTTPURL(parsing: "https://127.0.0.1:\(listener.port)/")
        #expect(throws: HTTPClientError.timedOut(url, after: .seconds(1), stage: .tlsHandshake)) {
            try HTTPClient(timeout: .seconds(1)).get(url)
        }
    }

    @Test func missingCAFileIsReported() throws {
        let url = try HTTPURL(parsing: "https://127.0.0.1:\(SilentListener.closedPort())/")
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient(caFile: "/nonexistent/ca.pem").get(url)
        }
        guard case .cannotLoadCAFile(path: "/nonexistent/ca.pem", _)? = error else {
            Issue.record("expected cannotLoadCAFile, got \(String(describing: error))")
            return
        }
    }
}
