import Foundation
import RingletTestSupport
import Testing

/// The nginx examples as a user would deploy them: the daemon behind a TLS proxy, and a private
/// registry served over HTTPS.
@Suite(.serialized) struct ExampleFrontsTests {
    @Test func theDaemonBehindTheReverseProxyServesTheAPIAndTerminals() throws {
        let daemon = try DaemonFixture()
        let front = try NginxFront(example: "reverse-proxy/nginx.conf", replacing: [("proxy_pass http://127.0.0.1:8765;", "proxy_pass \(daemon.url);")])
        let direct = daemon.url
        daemon.url = front.url
        defer { daemon.url = direct }
        daemon.curlOptions = ["--cacert", front.certificate.certificatePath]
        #expect(try daemon.request("GET", "/health").status == 200)
        #expect(try daemon.request("GET", "/api/sessions", headers: ["Origin: \(front.url)"]).status == 200, "the page's own origin passes the proxy")
        #expect(try daemon.request("GET", "/api/sessions", headers: ["Origin: https://evil.example"]).status == 403)
        let id = try daemon.createSession()

        try succeed(try daemon.workspace.run("config", "set", "credentials.backend", "file"))
        try succeed(try daemon.workspace.run("remotes", "add", "front", "--url", front.url, "--token", daemon.token))
        let attached = try daemon.typing("echo through-nginx-$((6*6)); exit 3", into: #""$RINGLET" remotes attach front "# + id,
                                         environment: ["RINGLET_CA_FILE": front.certificate.certificatePath])
        #expect(attached.status == 3 && attached.stdout.contains("through-nginx-36"), "\(attached)")
    }

    @Test func aRegistryServedByTheHTTPSExampleIsAddedAndVerified() throws {
        let front = try NginxFront(example: "https-registry/nginx.conf", replacing: [("root /srv/ringlet-registry;", "root \(Repository.registry);")])
        let workspace = try RingletWorkspace()
        let environment = ["RINGLET_CA_FILE": front.certificate.certificatePath]
        let added = try workspace.run(["registry", "add", "team", front.url + "/"], environment: environment)
        #expect(added.status == 0, "\(added)")
        let shown = try succeed(try workspace.run(["registry", "show", "team", "--json"], environment: environment)).jsonObject()
        let manifests = try #require(shown["manifests"] as? [[String: Any]])
        #expect(manifests.contains { $0["id"] as? String == "claude" }, "\(shown)")
        #expect((shown["problems"] as? [Any])?.isEmpty == true)
    }
}
