import Foundation
import Glibc
import RingletPolicy
@testable import RingletProxy
import RingletTestSupport
import Synchronization
import Testing

/// The proxy running in this process on a free loopback port, for one test: its session, a resolver
/// that answers only the test's names and remembers every question, and its decisions (from the log's
/// sink, and as JSON lines in a file). Stopped by `stop()` or deinit.
final class RunningProxy: @unchecked Sendable {
    let folder: TemporaryDirectory
    let session: ProxySession
    let resolver: RecordingResolver
    let server: ProxyServer
    let port: Int
    let logPath: String
    private let collector = DecisionCollector()

    /// `hosts` maps test names to addresses (a `SystemResolver` with fixed entries), like a hosts file.
    init(allow: [String], hosts: [String: String] = [:], limits: ProxyLimits = ProxyLimits(), session id: String = "test-session") throws {
        folder = try TemporaryDirectory("ringlet-proxy")
        logPath = folder.file("decisions.jsonl")
        session = ProxySession(id: id, allow: try Patterns.parse(allow))
        var fixed: [String: [IPAddress]] = [:]
        for (name, address) in hosts { fixed[name] = [try #require(IPAddress(parsing: address), "address \(address)")] }
        resolver = RecordingResolver(SystemResolver(fixed: fixed))
        let collector = collector
        let log = try DecisionLog(path: logPath, sink: { collector.add($0) })
        server = ProxyServer(resolver: resolver, log: log, limits: limits)
        port = try server.serve(session, port: 0)
    }

    deinit { server.stop() }

    func stop() { server.stop() }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The decisions so far, waiting until there are at least `count` (a decision is logged as its
    /// connection ends, which may be just after the client saw the answer).
    func decisions(atLeast count: Int, timeout: Duration = .seconds(30)) -> [DecisionRecord] {
        let deadline = ContinuousClock.now + timeout
        while collector.records.count < count && ContinuousClock.now < deadline { usleep(10_000) }
        return collector.records
    }

    /// The only decision, once it was made.
    func onlyDecision(sourceLocation: SourceLocation = #_sourceLocation) throws -> DecisionRecord {
        let all = decisions(atLeast: 1)
        try #require(all.count == 1, "expected one decision, got \(all)", sourceLocation: sourceLocation)
        return all[0]
    }

    /// Opens a raw connection to this proxy.
    func client() throws -> RawClient { try RawClient(port: port) }

    /// One request over a fresh raw connection, its whole answer read.
    func exchange(_ request: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RawResponse {
        try #require(try client().exchange(request), "no HTTP answer to \(request.debugDescription)", sourceLocation: sourceLocation)
    }

    /// `CONNECT target HTTP/1.1` over a fresh raw connection; the answer's head (and body, for a refusal).
    /// A tunnel that opens (200) is closed again at once.
    func connect(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RawResponse {
        let client = try client()
        defer { client.close() }
        client.send("CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n\r\n")
        let (head, rest) = try #require(client.readHead(), "no answer to CONNECT \(target)", sourceLocation: sourceLocation)
        let opened = head.hasPrefix("HTTP/1.1 200")
        let bytes = Array((head + "\r\n\r\n").utf8) + rest + (opened ? [] : client.readToEnd().bytes)
        return try #require(RawResponse(bytes), "\(head)", sourceLocation: sourceLocation)
    }
}

final class DecisionCollector: Sendable {
    private let stored = Mutex<[DecisionRecord]>([])
    func add(_ record: DecisionRecord) { stored.withLock { $0.append(record) } }
    var records: [DecisionRecord] { stored.withLock { $0 } }
}

enum Patterns {
    static func parse(_ entries: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [DomainPattern] {
        try entries.map { try #require(DomainPattern(parsing: $0), "allow entry \($0)", sourceLocation: sourceLocation) }
    }
}

/// curl, with nothing from the user's environment or ~/.curlrc, bounded in time.
enum Curl {
    static func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run("curl", ["-q", "-sS", "--max-time", "60"] + arguments,
                              environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
    }

    /// A plain-HTTP GET through `proxy` whose upstream is a `requestEcho()` server: what upstream saw.
    static func echoed(through proxy: RunningProxy, _ url: String, _ extra: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> EchoedRequest {
        let result = try run(["-x", proxy.url, "--fail", url] + extra)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return try EchoedRequest(json: result.stdout)
    }
}

/// A `requestEcho()` server reachable as `web.test` (`denied.test` would resolve to it too, if anyone
/// asked) behind a proxy allowing exactly `web.test:PORT` unless told otherwise.
final class EchoBehindProxy: @unchecked Sendable {
    let echo: PythonServer
    let proxy: RunningProxy

    init(allow: [String]? = nil, limits: ProxyLimits = ProxyLimits()) throws {
        echo = try PythonServer.requestEcho()
        proxy = try RunningProxy(allow: allow ?? ["web.test:\(echo.port)"], hosts: ["web.test": "127.0.0.1", "denied.test": "127.0.0.1"],
                                 limits: limits)
    }

    deinit {
        proxy.stop()
        echo.stop()
    }

    var base: String { "http://web.test:\(echo.port)" }

    /// A real request through the proxy, answered by the echo server.
    func servesAnotherClient(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let seen = try Curl.echoed(through: proxy, base + "/still-serving", sourceLocation: sourceLocation)
        #expect(seen.path == "/still-serving", sourceLocation: sourceLocation)
    }
}

/// A real HTTPS site on 127.0.0.1 whose certificate names `secure.test` (a name only the test's
/// resolver knows), serving `hello.txt`.
final class SecureSite: @unchecked Sendable {
    static let name = "secure.test"
    static let page = "hello through the tunnel\n"
    let folder: TemporaryDirectory
    let certificate: SelfSignedCertificate
    let server: HTTPFileServer

    init() throws {
        folder = try TemporaryDirectory("ringlet-proxy-site")
        try folder.write("site/hello.txt", SecureSite.page)
        try FileManager.default.createDirectory(atPath: folder.file("tls"), withIntermediateDirectories: true)
        certificate = try SelfSignedCertificate(in: folder.file("tls"), names: [SecureSite.name])
        server = try HTTPFileServer(serving: folder.file("site"), certificate: certificate)
    }

    deinit { server.stop() }

    var port: Int { server.port }
    var url: String { "https://\(SecureSite.name):\(port)/hello.txt" }

    /// curl through `proxy` (CONNECT), trusting only this site's certificate.
    func fetch(through proxy: String, _ extra: [String] = []) throws -> ProcessResult {
        try Curl.run(["-x", proxy, "--cacert", certificate.certificatePath] + extra + [url])
    }
}

/// Polls `condition` until it holds or `timeout` passes; for what happens on the proxy's own threads.
func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
