import Foundation
import Glibc
import RingletTestSupport
import Testing

/// `ringlet proxy` as a user runs it: the built binary, real curl, a real upstream, signals to stop it.
@Suite struct ProxyCommandTests {
    /// A workspace with an echo server reachable as `web.test` through a hosts file only.
    final class World: @unchecked Sendable {
        let workspace: RingletWorkspace
        let echo: PythonServer
        let hostsFile: String
        init() throws {
            workspace = try RingletWorkspace("ringlet-proxy-cli")
            echo = try PythonServer.requestEcho()
            hostsFile = try workspace.write("hosts", "# test names\n127.0.0.1 web.test\n")
        }
        deinit { echo.stop() }

        var web: String { "web.test:\(echo.port)" }

        /// Starts `ringlet proxy ARGUMENTS` and waits until it says it is listening.
        func start(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> (BackgroundProcess, String) {
            let process = try workspace.ringlet.startInBackground(["proxy"] + arguments, in: workspace.path(""))
            let said = process.waitForStderr(containing: "allowing")
            try #require(said != nil, "ringlet proxy did not start:\n\(process.stderrSoFar)", sourceLocation: sourceLocation)
            return (process, said ?? "")
        }

        /// curl through the proxy with no environment of its own.
        func curl(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run("curl", ["-q", "-sS", "--max-time", "60"] + arguments,
                                  environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        }
    }

    /// Runs `ringlet proxy ARGUMENTS` in a fresh workspace; it must refuse to start. Its result, or a failure
    /// (and a killed process) if it is still running after a minute.
    static func refused(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let workspace = try RingletWorkspace("ringlet-proxy-cli")
        let process = try workspace.ringlet.startInBackground(["proxy"] + arguments, in: workspace.path(""))
        defer { process.forceStop() }
        return try #require(process.waitForExit(timeout: .seconds(60)),
                            "ringlet proxy \(arguments) did not stop:\n\(process.stderrSoFar)", sourceLocation: sourceLocation)
    }

    /// Stops `process` with `signal` and returns its result; fails (and kills it) if it does not stop.
    static func stop(_ process: BackgroundProcess, with signal: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        process.signal(signal)
        let result = process.waitForExit(timeout: .seconds(60))
        defer { process.forceStop() }
        return try #require(result, "ringlet proxy still running after signal \(signal):\n\(process.stderrSoFar)", sourceLocation: sourceLocation)
    }

    @Test func servesOverLoopbackTCPWithAHostsFileAndStopsOnSIGTERM() throws {
        let world = try World()
        let log = world.workspace.path("decisions.jsonl")
        let (proxy, said) = try world.start(["--allow", world.web, "--listen", "127.0.0.1:0", "--log", log,
                                             "--hosts-file", world.hostsFile, "--session", "cli-session"])
        defer { proxy.forceStop() }
        let match = try #require(said.firstMatch(of: /listening on 127\.0\.0\.1:(\d+), allowing (.*)/), "\(said)")
        let proxyURL = "http://127.0.0.1:\(match.1)"
        #expect(match.2.hasPrefix(world.web), "\(said)")

        let forwarded = try world.curl(["-x", proxyURL, "--fail", "http://\(world.web)/through-the-cli"])
        #expect(forwarded.status == 0, "\(forwarded)")
        #expect(try EchoedRequest(json: forwarded.stdout).path == "/through-the-cli", "web.test resolved through --hosts-file")
        let denied = try world.curl(["-x", proxyURL, "-i", "http://other.test/"])
        #expect(denied.stdout.hasPrefix("HTTP/1.1 403") && denied.stdout.contains("X-Ringlet-Deny: not-allowed"), "\(denied)")

        var lines: [Substring] = []
        let logged = eventuallyTrue {
            lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.count >= 2
        }
        #expect(logged && lines.count == 2, "\(lines)")
        let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(records.map { $0["verdict"] as? String } == ["allowed", "denied"])
        #expect(records.allSatisfy { $0["session"] as? String == "cli-session" })
        #expect(records.first?["address"] as? String == "127.0.0.1")

        let result = try ProxyCommandTests.stop(proxy, with: SIGTERM)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("stopped"), "\(result)")
        #expect(result.stdout.isEmpty, "decisions went to --log: \(result.stdout)")
        let after = try world.curl(["-x", proxyURL, "http://\(world.web)/"])
        #expect(after.status != 0, "nothing listens after the stop: \(after)")
    }

    @Test func servesOnAUnixSocketLogsToStdoutAndStopsOnSIGINT() throws {
        let world = try World()
        let socket = world.workspace.path("run/ringlet/cli.sock")
        let (proxy, _) = try world.start(["--allow", world.web, "--socket", socket, "--hosts-file", world.hostsFile])
        defer { proxy.forceStop() }
        var status = stat()
        #expect(stat(socket, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(stat(world.workspace.path("run/ringlet"), &status) == 0 && status.st_mode & 0o777 == 0o700)

        // curl does not combine --unix-socket with -x; --request-target makes it send the absolute form a proxy needs.
        let url = "http://\(world.web)/via-socket"
        let forwarded = try world.curl(["--unix-socket", socket, "--request-target", url, "--fail", url])
        #expect(forwarded.status == 0, "\(forwarded)")
        #expect(try EchoedRequest(json: forwarded.stdout).path == "/via-socket")

        #expect(eventuallyTrue { proxy.stdoutSoFar.contains("\n") }, "a decision line on stdout")
        let result = try ProxyCommandTests.stop(proxy, with: SIGINT)
        #expect(result.status == 0, "\(result)")
        let line = try #require(result.stdout.split(separator: "\n").first)
        let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(record?["method"] as? String == "GET" && record?["session"] as? String == "standalone", "\(line)")
    }

    @Test(arguments: ["", "ex.test:0", "ex.test:65536", "ex.test:http", "ex.test:", "ex.test:-1", "a*b.test", "**", "http://ex.test",
                      // entries no host could ever match are mistakes too
                      "ex test", "ex.test/v1", "*.*.ex.test", "user@ex.test", "ex.test:443:80", "ex..test", "*."])
    func aBadAllowEntryIsAUsageError(_ entry: String) throws {
        let result = try ProxyCommandTests.refused(["--allow", "ok.test", "--allow", entry, "--listen", "127.0.0.1:0"])
        expect(result, exit: Exit.usage, stderr: ["--allow \(entry)"])
    }

    @Test func conflictingOrBrokenOptionsAreRefusedBeforeListening() throws {
        let folder = try TemporaryDirectory("ringlet-proxy-cli")
        let both = try ProxyCommandTests.refused(["--allow", "a.test", "--listen", "127.0.0.1:0", "--socket", folder.file("s.sock")])
        expect(both, exit: Exit.usage, stderr: ["--listen and --socket"])

        let hosts = try folder.write("bad-hosts", "127.0.0.1 good.test\nnot-an-address bad.test\n")
        let badHosts = try ProxyCommandTests.refused(["--allow", "a.test", "--hosts-file", hosts, "--listen", "127.0.0.1:0"])
        expect(badHosts, exit: Exit.usage, stderr: ["bad-hosts:2"])
        let missing = folder.file("nope")
        expect(try ProxyCommandTests.refused(["--allow", "a.test", "--hosts-file", missing, "--listen", "127.0.0.1:0"]),
               exit: Exit.failure, stderr: [missing])

        for listen in ["127.0.0.1", "127.0.0.1:99999", "localhost:0", "[::1]:0"] {
            expect(try ProxyCommandTests.refused(["--allow", "a.test", "--listen", listen]), exit: Exit.failure, stderr: ["cannot listen on \(listen)"])
        }
    }

    /// Anything but loopback would make it an open proxy for the network.
    @Test(arguments: ["0.0.0.0:0", "192.168.1.1:0", "10.0.0.1:0", "8.8.8.8:0"])
    func itListensOnLoopbackOnly(_ listen: String) throws {
        let result = try ProxyCommandTests.refused(["--allow", "a.test", "--listen", listen])
        expect(result, exit: Exit.failure, stderr: ["cannot listen on \(listen)", "loopback"])
    }

    /// Polls `condition` for up to a minute.
    func eventuallyTrue(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
