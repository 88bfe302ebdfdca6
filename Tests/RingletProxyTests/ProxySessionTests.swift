import Foundation
import Glibc
import RingletProxy
import RingletTestSupport
import Testing

/// Sessions: the allowlist can change under a live session, and a sandbox reaches its session through
/// a unix socket only its owner can open.
@Suite struct ProxySessionTests {
    @Test func aPolicyUpdateAppliesToTheNextConnectionAndOpenTunnelsKeepTheirDecision() throws {
        let echo = try PythonServer.requestEcho()
        defer { echo.stop() }
        let proxy = try RunningProxy(allow: ["first.test:\(echo.port)"], hosts: ["first.test": "127.0.0.1", "second.test": "127.0.0.1"])
        defer { proxy.stop() }

        #expect(try proxy.connect("second.test:\(echo.port)").status == 403)
        // A tunnel opened under the old policy…
        let tunnel = try proxy.client()
        tunnel.send("CONNECT first.test:\(echo.port) HTTP/1.1\r\n\r\n")
        let opened = try #require(tunnel.readHead())
        #expect(opened.head.hasPrefix("HTTP/1.1 200"), "\(opened.head)")

        proxy.session.update(allow: try Patterns.parse(["second.test:\(echo.port)"]))

        #expect(try proxy.connect("first.test:\(echo.port)").status == 403, "the next connection sees the new policy")
        #expect(try Curl.echoed(through: proxy, "http://second.test:\(echo.port)/now-allowed").path == "/now-allowed")
        // …keeps working under the decision it was made with.
        tunnel.send("GET /through-the-old-tunnel HTTP/1.0\r\nHost: first.test\r\n\r\n")
        let answer = try #require(RawResponse(tunnel.readToEnd().bytes))
        #expect(try EchoedRequest(json: answer.body).path == "/through-the-old-tunnel")
        #expect(proxy.session.patterns.map(\.description) == ["second.test:\(echo.port)"])
        #expect(proxy.resolver.queries == ["first.test", "second.test"], "denied names were not resolved, before or after")
    }

    @Test func theUnixSocketIsOwnerOnlyInAnOwnerOnlyFolderAndCurlUsesIt() throws {
        let echo = try PythonServer.requestEcho()
        defer { echo.stop() }
        let folder = try TemporaryDirectory("ringlet-proxy-sock")
        let runtime = folder.file("runtime/ringlet")
        let path = runtime + "/session-1.sock"
        let log = try DecisionLog(path: folder.file("log.jsonl"))
        let server = ProxyServer(resolver: SystemResolver(fixed: ["web.test": [IPAddress(parsing: "127.0.0.1")!]]), log: log)
        defer { server.stop() }
        let session = ProxySession(id: "unix", allow: try Patterns.parse(["web.test:\(echo.port)"]))
        try server.serve(session, unixSocket: path)

        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFSOCK)
        #expect(status.st_mode & 0o777 == 0o600, "socket mode \(String(status.st_mode & 0o777, radix: 8))")
        #expect(stat(runtime, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700, "folder mode \(String(status.st_mode & 0o777, radix: 8))")

        // curl does not combine --unix-socket with -x; --request-target makes it send the absolute form a proxy needs.
        let url = "http://web.test:\(echo.port)/via-socket?x=1"
        let seen = try Curl.run(["--unix-socket", path, "--request-target", url, "--fail", url])
        #expect(seen.status == 0, "\(seen)")
        #expect(try EchoedRequest(json: seen.stdout).path == "/via-socket?x=1")
        let tunnel = try RawClient(unixSocket: path)
        tunnel.send("CONNECT web.test:\(echo.port) HTTP/1.1\r\n\r\nGET /tunnel HTTP/1.0\r\n\r\n")
        let answer = String(decoding: tunnel.readToEnd().bytes, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.0 200"), "\(answer)")
        #expect(answer.contains("\"path\": \"/tunnel\""), "\(answer)")
        let denied = try RawClient(unixSocket: path).exchange("CONNECT other.test:443 HTTP/1.1\r\n\r\n")
        #expect(denied?.status == 403, "\(String(describing: denied))")
    }

    @Test func anExistingSocketFolderIsTightenedTo0700AndAStaleSocketReplaced() throws {
        let folder = try TemporaryDirectory("ringlet-proxy-sock")
        let runtime = folder.file("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let path = runtime + "/s.sock"
        try "stale".write(toFile: path, atomically: false, encoding: .utf8)
        let server = ProxyServer(log: try DecisionLog(path: nil))
        defer { server.stop() }
        try server.serve(ProxySession(id: "s", allow: []), unixSocket: path)
        var status = stat()
        #expect(stat(runtime, &status) == 0 && status.st_mode & 0o777 == 0o700)
        #expect(stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFSOCK && status.st_mode & 0o777 == 0o600)
        #expect(try RawClient(unixSocket: path).exchange("CONNECT a.test:443 HTTP/1.1\r\n\r\n")?.status == 403)
    }

    @Test func aSocketPathTooLongIsAnErrorNotATruncation() throws {
        let folder = try TemporaryDirectory("ringlet-proxy-sock")
        let path = folder.file(String(repeating: "d", count: 120) + ".sock")
        let server = ProxyServer(log: try DecisionLog(path: nil))
        defer { server.stop() }
        #expect(throws: ProxyError.self) { try server.serve(ProxySession(id: "s", allow: []), unixSocket: path) }
    }

    @Test func stopClosesTheListener() throws {
        let proxy = try RunningProxy(allow: [])
        #expect(try proxy.connect("a.test:443").status == 403)
        proxy.stop()
        let refused = eventually { (try? RawClient(port: proxy.port)) == nil }
        #expect(refused, "nothing listens on the port after stop()")
    }
}
