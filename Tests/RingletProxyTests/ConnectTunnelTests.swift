import Foundation
import RingletProxy
import RingletTestSupport
import Testing

/// CONNECT through the in-process proxy, with curl and Python as clients and a real HTTPS server.
@Suite struct ConnectTunnelTests {
    @Test func curlReachesAnAllowedHTTPSSiteThroughTheTunnel() throws {
        let site = try SecureSite()
        let proxy = try RunningProxy(allow: ["\(SecureSite.name):\(site.port)"], hosts: [SecureSite.name: "127.0.0.1"])
        defer { proxy.stop() }

        let result = try site.fetch(through: proxy.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == SecureSite.page)

        let decision = try proxy.onlyDecision()
        #expect(decision.method == "CONNECT")
        #expect(decision.verdict == .allowed)
        #expect(decision.rule == "\(SecureSite.name):\(site.port)")
        #expect(decision.host == SecureSite.name && decision.port == site.port)
        #expect(decision.address == "127.0.0.1")
        #expect(decision.status == 200)
        #expect(decision.bytesUp > 0 && decision.bytesDown > SecureSite.page.utf8.count, "TLS both ways: \(decision)")
        #expect(proxy.resolver.queries == [SecureSite.name], "resolved once, by the proxy")
    }

    @Test func megabytesThroughATunnelArriveIntactBothWays() throws {
        let site = try SecureSite()
        let big = (0 ..< (6 << 20)).map { UInt8(truncatingIfNeeded: $0 ^ ($0 >> 11)) }
        try Data(big).write(to: site.folder.url("site/big.bin"))
        let echo = try PythonServer.requestEcho()
        defer { echo.stop() }
        let proxy = try RunningProxy(allow: ["\(SecureSite.name):\(site.port)", "web.test:\(echo.port)"],
                                     hosts: [SecureSite.name: "127.0.0.1", "web.test": "127.0.0.1"])
        defer { proxy.stop() }

        let downloaded = site.folder.file("downloaded.bin")
        let download = try Curl.run(["-x", proxy.url, "--cacert", site.certificate.certificatePath, "-o", downloaded,
                                     "https://\(SecureSite.name):\(site.port)/big.bin"])
        #expect(download.status == 0, "\(download)")
        #expect(FileManager.default.contents(atPath: downloaded) == Data(big), "6 MiB down through TLS, byte for byte")

        let upload = (0 ..< (3 << 20)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let file = site.folder.file("upload.txt")
        try Data(upload).write(to: URL(fileURLWithPath: file))
        let seen = try Curl.echoed(through: proxy, "http://web.test:\(echo.port)/up", ["-p", "--data-binary", "@\(file)", "-H", "Expect:"])
        #expect(seen.body.utf8.count == upload.count && seen.body == String(decoding: upload, as: UTF8.self), "3 MiB up, and back")

        let decisions = proxy.decisions(atLeast: 2)
        #expect(decisions.first?.bytesDown ?? 0 > big.count)
        #expect(decisions.last?.bytesUp ?? 0 > upload.count && decisions.last?.bytesDown ?? 0 > upload.count)
    }

    @Test func pythonURLLibWithHTTPSProxyReachesTheSite() throws {
        let site = try SecureSite()
        let proxy = try RunningProxy(allow: ["\(SecureSite.name):\(site.port)"], hosts: [SecureSite.name: "127.0.0.1"])
        defer { proxy.stop() }
        let script = """
        import ssl, sys, urllib.request
        context = ssl.create_default_context(cafile=sys.argv[1])
        sys.stdout.write(urllib.request.urlopen(sys.argv[2], context=context, timeout=60).read().decode())
        """
        let result = try ProcessRunner.run("python3", ["-c", script, site.certificate.certificatePath, site.url], environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HTTPS_PROXY": proxy.url,
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == SecureSite.page)
        #expect(try proxy.onlyDecision().verdict == .allowed)
    }

    @Test func aDeniedConnectIsRefusedWith403AndTheNameIsNeverResolved() throws {
        let site = try SecureSite()
        // denied.test would resolve (to the live site) if anyone asked.
        let proxy = try RunningProxy(allow: ["\(SecureSite.name):\(site.port)"], hosts: [SecureSite.name: "127.0.0.1", "denied.test": "127.0.0.1"])
        defer { proxy.stop() }

        let response = try proxy.connect("denied.test:443")
        #expect(response.status == 403, "\(response)")
        #expect(response.headers["x-ringlet-deny"] == "not-allowed", "\(response)")
        #expect(response.body.contains("denied.test:443"), "\(response.body)")
        #expect(response.body.contains("add \"denied.test\" to network: in egg.yaml"), "\(response.body)")
        #expect(response.body.split(separator: "\n").count == 1, "a one-line reason: \(response.body)")
        #expect(response.headers["content-length"] == String(response.body.utf8.count))

        let curl = try Curl.run(["-x", proxy.url, "--cacert", site.certificate.certificatePath, "https://denied.test:\(site.port)/hello.txt"])
        #expect(curl.status != 0 && curl.stdout.isEmpty, "\(curl)")
        #expect(curl.stderr.contains("403"), "\(curl)")

        let decisions = proxy.decisions(atLeast: 2)
        #expect(decisions.map(\.verdict) == [.denied, .denied])
        #expect(decisions.allSatisfy { $0.rule == "not-allowed" && $0.status == 403 && $0.address == nil && $0.host == "denied.test" })
        #expect(proxy.resolver.queries.isEmpty, "a denied name is never resolved: \(proxy.resolver.queries)")
    }

    @Test func wildcardEdgeCasesOverTheWire() throws {
        let proxy = try RunningProxy(allow: ["*.ex.test", "xn--bcher-kva.test"], hosts: [
            "a.ex.test": "192.0.2.10", "ex.test": "192.0.2.11", "a.ex.test.evil.test": "192.0.2.12", "xn--bcher-kva.test": "192.0.2.13",
        ], limits: ProxyLimits(connectTimeout: .milliseconds(200)))
        defer { proxy.stop() }

        for denied in ["ex.test:443", "a.ex.test.evil.test:443", "evilex.test:443"] {
            let response = try proxy.connect(denied)
            #expect(response.status == 403 && response.headers["x-ringlet-deny"] == "not-allowed", "\(denied): \(response)")
        }
        #expect(proxy.resolver.queries.isEmpty, "\(proxy.resolver.queries)")

        // Allowed names are resolved in their normal form (192.0.2.0/24 is TEST-NET: the connection itself fails with 502).
        for (allowed, normal) in [("A.EX.TEST.:443", "a.ex.test"), ("b\u{00FC}cher.test:443", "xn--bcher-kva.test")] {
            let response = try proxy.connect(allowed)
            #expect(response.status != 403, "\(allowed) is allowed: \(response)")
            #expect(proxy.resolver.queries.last == normal)
        }
        let decisions = proxy.decisions(atLeast: 5)
        #expect(decisions.suffix(2).map(\.host) == ["a.ex.test", "xn--bcher-kva.test"])
        #expect(decisions.suffix(2).map(\.rule) == ["unreachable", "unreachable"], "allowed, then the connection failed")
    }

    @Test func aPortThatIsNotAllowedIsRefusedBeforeResolving() throws {
        let site = try SecureSite()
        let proxy = try RunningProxy(allow: [SecureSite.name], hosts: [SecureSite.name: "127.0.0.1"])
        defer { proxy.stop() }

        let response = try proxy.connect("\(SecureSite.name):\(site.port)")
        #expect(response.status == 403 && response.headers["x-ringlet-deny"] == "not-allowed", "\(response)")
        #expect(response.body.contains("add \"\(SecureSite.name):\(site.port)\" to network:"), "\(response.body)")
        #expect(proxy.resolver.queries.isEmpty)
        for port in ["22", "0", "65536", "https", "443x", ""] {
            let odd = try proxy.connect("\(SecureSite.name):\(port)")
            #expect([400, 403].contains(odd.status), "port \(port): \(odd)")
        }
        #expect(proxy.resolver.queries.isEmpty)
    }

    @Test func anIPLiteralIsDeniedUnlessListedExactly() throws {
        let site = try SecureSite()
        let wildcard = try RunningProxy(allow: ["*", "*:\(site.port)"])
        defer { wildcard.stop() }
        for literal in ["127.0.0.1:\(site.port)", "[::1]:\(site.port)", "8.8.8.8:443", "localhost:\(site.port)", "2130706433:\(site.port)",
                        "127.1:\(site.port)", "0x7f.0.0.1:\(site.port)", "[::ffff:127.0.0.1]:\(site.port)"] {
            let response = try wildcard.connect(literal)
            #expect(response.status == 403 && response.headers["x-ringlet-deny"] == "not-allowed", "\(literal): \(response)")
        }
        #expect(wildcard.resolver.queries.isEmpty)

        let exact = try RunningProxy(allow: ["127.0.0.1:\(site.port)"])
        defer { exact.stop() }
        #expect(try exact.connect("127.0.0.2:\(site.port)").status == 403)
        let result = try Curl.run(["-x", exact.url, "--cacert", site.certificate.certificatePath, "https://127.0.0.1:\(site.port)/hello.txt"])
        #expect(result.status == 0 && result.stdout == SecureSite.page, "\(result)")
        #expect(exact.resolver.queries.isEmpty, "a literal is not resolved")
        let decisions = exact.decisions(atLeast: 2)
        #expect(decisions.last?.verdict == .allowed && decisions.last?.address == "127.0.0.1")
    }

    @Test func aWildcardNameResolvingToAPrivateAddressIsRefusedUnlessNamedExactly() throws {
        let echo = try PythonServer.requestEcho()
        defer { echo.stop() }
        let hosts = ["svc.corp.test": "127.0.0.1", "intranet.corp.test": "10.1.2.3", "metadata.corp.test": "169.254.169.254",
                     "six.corp.test": "::1", "mapped.corp.test": "::ffff:127.0.0.1"]
        let wildcard = try RunningProxy(allow: ["*.corp.test:\(echo.port)"], hosts: hosts)
        defer { wildcard.stop() }
        for (name, address) in hosts.sorted(by: { $0.key < $1.key }) {
            let response = try wildcard.connect("\(name):\(echo.port)")
            #expect(response.status == 403 && response.headers["x-ringlet-deny"] == "private-address", "\(name): \(response)")
            #expect(response.body.contains(name) && response.body.contains(IPAddress(parsing: address)!.description), "\(response.body)")
            #expect(response.body.contains("add \"\(name):\(echo.port)\" itself to network:"), "\(response.body)")
        }
        let refused = wildcard.decisions(atLeast: hosts.count)
        #expect(refused.allSatisfy { $0.verdict == .denied && $0.rule == "private-address" && $0.address != nil }, "\(refused)")

        let exact = try RunningProxy(allow: ["svc.corp.test:\(echo.port)"], hosts: hosts)
        defer { exact.stop() }
        let seen = try Curl.echoed(through: exact, "http://svc.corp.test:\(echo.port)/inside", ["-p"])
        #expect(seen.path == "/inside")
        #expect(try exact.onlyDecision().verdict == .allowed)

        // Entries are a set (layers add to it): an exact entry names the host whatever comes before it.
        let both = try RunningProxy(allow: ["*.corp.test:\(echo.port)", "svc.corp.test:\(echo.port)"], hosts: hosts)
        defer { both.stop() }
        let response = try both.connect("svc.corp.test:\(echo.port)")
        #expect(response.status == 200, "\(response)")
        #expect(try both.connect("intranet.corp.test:\(echo.port)").status == 403, "other names under the wildcard stay refused")
    }
}
