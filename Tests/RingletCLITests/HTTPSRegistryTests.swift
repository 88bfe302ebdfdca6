import Foundation
import RingletTestSupport
import Testing

/// An HTTPS registry served with a certificate made in the test: trusted only through RINGLET_CA_FILE.
@Suite struct HTTPSRegistryTests {
    @Test func fetchesOverTLSOnlyWhenTheCertificateIsTrusted() throws {
        let workspace = try RingletWorkspace()
        let site = try workspace.folder("site")
        try FileManager.default.removeItem(atPath: site)
        try FileManager.default.copyItem(atPath: repositoryRegistry(), toPath: site)
        let certificate = try SelfSignedCertificate(in: try workspace.folder("tls"))
        let server = try HTTPFileServer(serving: site, certificate: certificate)
        defer { server.stop() }

        let untrusted = try workspace.ringlet.run(["registry", "add", "secure", server.baseURL])
        #expect(untrusted.status == 1, "\(untrusted)")
        #expect(untrusted.stderr.contains("could not be verified"), "\(untrusted)")
        #expect(try workspace.ringlet.run(["registry", "list", "--json"]).stdout.contains("secure") == false)

        let trusted = try workspace.ringlet.run(["registry", "add", "secure", server.baseURL, "--priority", "70"],
                                                environment: ["RINGLET_CA_FILE": certificate.certificatePath])
        #expect(trusted.status == 0, "\(trusted)")
        let inspect = try workspace.ringlet.run(["agents", "inspect", "secure/claude", "--json"])
        #expect(inspect.status == 0, "\(inspect)")
        #expect(inspect.stdout.contains("\"registry\" : \"secure\""))

        server.stop()
        let offline = try workspace.ringlet.run(["agents", "inspect", "claude", "--offline"])
        #expect(offline.status == 0, "a fetched HTTPS registry keeps working without its server: \(offline)")
        #expect(offline.stdout.contains("from:            secure"))
    }

    private func repositoryRegistry() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("registry").path
    }
}
