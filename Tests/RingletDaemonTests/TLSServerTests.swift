import Glibc
import RingletDaemon
import RingletTestSupport
import Testing

@Suite struct TLSServerTests {
    let folder: TemporaryDirectory
    let certificate: SelfSignedCertificate

    init() throws {
        folder = try TemporaryDirectory("ringlet-tls")
        certificate = try SelfSignedCertificate(in: folder.path)
    }

    private func curl(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run("curl", ["--silent", "--show-error", "--max-time", "20", "--cacert", certificate.certificatePath] + arguments)
    }

    @Test func curlTrustingTheCertificateGetsAnswersOverOneConnection() throws {
        let tls = try ServerTLS(certificate: certificate.certificatePath, key: certificate.keyPath)
        let harness = try ServerHarness(tls: tls) { request, responder in
            responder.respond(.json(200, ["path": request.path, "tls": request.isTLS ? "yes" : "no"]))
        }
        let base = "https://localhost:\(harness.port)"
        let result = try curl(["--write-out", " %{num_connects}\n", "\(base)/a", "\(base)/b"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines == ["{\"path\":\"/a\",\"tls\":\"yes\"} 1", "{\"path\":\"/b\",\"tls\":\"yes\"} 0"], "the second request reuses the connection")
        let body = try folder.write("body.txt", String(repeating: "x", count: 200_000))
        let posted = try curl(["--data-binary", "@" + body, "-o", "/dev/null", "--write-out", "%{http_code}", "\(base)/big"])
        #expect(posted.stdout == "200", "\(posted)")
    }

    @Test func plainHTTPOnTheTLSPortFailsThatConnectionOnly() throws {
        let tls = try ServerTLS(certificate: certificate.certificatePath, key: certificate.keyPath)
        let harness = try ServerHarness(tls: tls, handler: echoHandler)
        let plain = try RawClient(port: harness.port)
        plain.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        _ = plain.readToEnd()
        #expect(plain.isClosedByServer())
        let result = try curl(["https://localhost:\(harness.port)/still"])
        #expect(result.status == 0 && result.stdout == "GET /still ", "\(result)")
    }

    @Test func tls11IsRefused() throws {
        let tls = try ServerTLS(certificate: certificate.certificatePath, key: certificate.keyPath)
        let harness = try ServerHarness(tls: tls, handler: echoHandler)
        let result = try curl(["--tlsv1.1", "--tls-max", "1.1", "https://localhost:\(harness.port)/"])
        #expect(result.status != 0)
    }

    @Test func unusableFilesAreClearErrors() throws {
        #expect(throws: DaemonError.tls("cannot read the TLS certificate file \(folder.path)/missing.pem: No such file or directory; check the path and its permissions")) {
            try ServerTLS(certificate: folder.path + "/missing.pem", key: certificate.keyPath)
        }
        let other = try TemporaryDirectory("ringlet-tls-other")
        let otherCertificate = try SelfSignedCertificate(in: other.path)
        do {
            _ = try ServerTLS(certificate: certificate.certificatePath, key: otherCertificate.keyPath)
            Issue.record("a key for another certificate was accepted")
        } catch {
            #expect(error.description.contains("does not match"), "\(error)")
        }
        let notPEM = try folder.write("garbage.pem", "not a certificate\n")
        #expect(throws: DaemonError.self) { try ServerTLS(certificate: notPEM, key: certificate.keyPath) }
    }
}
