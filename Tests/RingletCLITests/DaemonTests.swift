import Foundation
import Glibc
import RingletTestSupport
import Testing

/// The real daemon from the built binary, on a free loopback port, driven with curl and with Python's
/// websockets package as an independent client: authentication, the session lifecycle, replay across
/// disconnects and daemon crashes, several clients, the idle timeout, bad frames, limits and token
/// rotation. Serialized: each test runs sandboxed shells, and a two-core machine runs them one at a time.
@Suite(.serialized) struct DaemonTests {
    @Test func everyRequestNeedsTheTokenInAHeaderAndAForeignOriginIsRefused() throws {
        let daemon = try DaemonFixture()
        #expect(try daemon.request("GET", "/health").status == 200)
        let health = try daemon.request("GET", "/health").json
        #expect(health["status"] as? String == "ok" && health["sessions"] as? Int == 0)

        let missing = try daemon.request("GET", "/api/sessions", token: nil)
        #expect(missing.status == 401 && missing.body.contains("no token"), "\(missing.body)")
        let wrong = try daemon.request("GET", "/api/sessions", token: String(repeating: "0", count: 64))
        #expect(wrong.status == 401 && wrong.body.contains("wrong"), "\(wrong.body)")
        let inURL = try daemon.request("GET", "/api/sessions?token=\(daemon.token)", token: nil)
        #expect(inURL.status == 401 && inURL.body.contains("Authorization"), "\(inURL.body)")
        let foreign = try daemon.request("GET", "/api/sessions", headers: ["Origin: http://evil.example"])
        #expect(foreign.status == 403 && foreign.body.contains("Origin"), "\(foreign.body)")
        #expect(try daemon.request("GET", "/api/sessions", headers: ["Origin: \(daemon.url)"]).status == 200)
        #expect(try daemon.request("GET", "/api/nothing").status == 404)
        #expect(try daemon.request("PUT", "/api/sessions").status == 405)

        // A WebSocket upgrade with a wrong token is refused before any session is touched.
        let id = try daemon.createSession()
        let refused = try ProcessRunner.run("/usr/bin/python3", [DaemonFixture.client, daemon.url, "wrong-token", id, "watch", "x"])
        #expect(refused.status != 0 && refused.stderr.contains("401"), "\(refused)")

        // Guessing is rate limited per client address.
        for _ in 0..<10 { _ = try daemon.request("GET", "/health", token: "guess") }
        let locked = try daemon.request("GET", "/health")
        #expect(locked.status == 429, "\(locked.body)")
    }

    @Test func createAttachTypeDetachReattachSeesTheReplayThenDeleteEndsTheAgent() throws {
        let daemon = try DaemonFixture()
        let profiles = try daemon.request("GET", "/api/profiles").json["profiles"] as? [[String: Any]]
        #expect(profiles?.map { $0["name"] as? String } == ["sh"])
        #expect(profiles?.first?["sandbox"] as? Bool == true)

        let id = try daemon.createSession(cols: 91, rows: 27)
        let typed = try daemon.client(id, "type", "echo hi-$((6*7)); stty size\n", "27 91")
        #expect(typed["subprotocol"] as? String == "ringlet.v1")
        #expect((typed["live"] as? String)?.contains("hi-42") == true, "\(typed)")
        let controls = (typed["controls"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
        #expect(controls?.prefix(2) == ["replay-start", "replay-end"])

        let listed = try #require(try daemon.request("GET", "/api/sessions").json["sessions"] as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == [id])
        let session = try daemon.session(id)
        #expect(session["state"] as? String == "running" && session["profile"] as? String == "sh")
        #expect((session["bytes_in"] as? Int ?? 0) > 0 && (session["bytes_out"] as? Int ?? 0) > 0)
        #expect(session["attached_clients"] as? Int == 0, "the client detached: \(session)")

        let again = try daemon.client(id, "type", "echo back-$((2+3))\n", "back-5")
        #expect((again["replay"] as? String)?.contains("hi-42") == true, "the reattached client sees what it missed: \(again)")

        let ended = try daemon.request("DELETE", "/api/sessions/" + id)
        #expect(ended.status == 200 && ended.json["state"] as? String == "exited", "\(ended.body)")
        #expect(ended.json["exit_code"] as? Int != nil)
        let recording = try daemon.request("GET", "/api/sessions/\(id)/recording")
        #expect(recording.status == 200 && recording.body.contains("hi-42"), "\(recording.status)")
        #expect(try daemon.request("DELETE", "/api/sessions/" + id).status == 200)
        #expect(daemon.eventually { (try? daemon.request("GET", "/api/sessions/" + id).status) == 404 }, "deleting an ended session removes it")

        let events = try succeed(try daemon.workspace.run("audit", "query", "--session", id, "--json")).stdout
        for event in ["\"start\"", "\"attach\"", "\"detach\"", "\"end-requested\"", "\"launch\""] {
            #expect(events.contains(event), "audit has \(event): \(events)")
        }
    }

    @Test func aSessionOutlivesAKilledDaemonAndANewOneReplaysIt() throws {
        let daemon = try DaemonFixture()
        let id = try daemon.createSession()
        // The shell prints its pid; the typed line's echo ("b$((2+2))") cannot match what is awaited ("b4").
        let before = try daemon.client(id, "type", "echo shell-$$-b$((2+2))\n", "-b4\r\n")
        let shellPID = try #require((before["live"] as? String)?.firstMatch(of: /shell-(\d+)-b4\r\n/)?.1)

        let port = daemon.port
        daemon.killDaemon()
        try daemon.start(port: port)
        let after = try daemon.client(id, "type", "echo shell-$$-a$((3+3))\n", "-a6\r\n")
        #expect((after["replay"] as? String)?.contains("shell-\(shellPID)-b4") == true, "earlier output replayed: \(after)")
        #expect((after["live"] as? String)?.contains("shell-\(shellPID)-a6") == true, "the same shell still runs: \(after)")
    }

    @Test func twoClientsWatchOneSessionAndEachSeesTheOthersTyping() throws {
        let daemon = try DaemonFixture()
        let id = try daemon.createSession()
        let watcher = try daemon.backgroundClient(id, "watch", "shared-42")
        #expect(watcher.waitForStderr(containing: "attached"))
        #expect(try daemon.eventually { (try daemon.session(id)["attached_clients"] as? Int) == 1 })
        let typed = try daemon.client(id, "type", "echo shared-$((6*7))\n", "shared-42")
        #expect((typed["live"] as? String)?.contains("shared-42") == true)
        let watched = watcher.finish()
        #expect(watched.status == 0 && watched.stdout.contains("shared-42"), "\(watched)")
        let clients = try daemon.session(id)
        #expect(clients["attached_clients"] as? Int == 0, "\(clients)")
    }

    @Test func anIdleSessionEndsAfterTheIdleTimeoutAndIsListedUntilKeepExitedPasses() throws {
        let daemon = try DaemonFixture(["--idle-timeout", "3s", "--keep-exited", "20s"])
        let id = try daemon.createSession()
        #expect(try daemon.eventually { (try daemon.session(id)["state"] as? String) == "exited" })
        #expect(try daemon.session(id)["exit_code"] as? Int == 143, "SIGTERM ended it")
        #expect(try daemon.eventually { try daemon.request("GET", "/api/sessions/" + id).status == 404 }, "gone once --keep-exited passed")
        #expect(daemon.sessionIDs().isEmpty, "its host removed its socket and metadata")
    }

    @Test func badFramesCloseOnlyTheirOwnConnection() throws {
        let daemon = try DaemonFixture()
        let id = try daemon.createSession()
        let watcher = try daemon.backgroundClient(id, "watch", "still-7")
        #expect(watcher.waitForStderr(containing: "attached"))
        #expect(try daemon.client(id, "unmasked")["close_code"] as? Int == 1002)
        #expect(try daemon.client(id, "oversized")["close_code"] as? Int == 1009)
        #expect(try daemon.client(id, "not-json")["close_code"] as? Int == 1007)
        _ = try daemon.client(id, "type", "echo still-$((3+4))\n", "still-7")
        let watched = watcher.finish()
        #expect(watched.stdout.contains("still-7"), "the well-behaved client kept its session: \(watched)")
    }

    @Test func theSessionLimitRefusesWith429() throws {
        let daemon = try DaemonFixture(["--max-sessions", "1"])
        let unknown = try daemon.request("POST", "/api/sessions", body: #"{"profile":"nope"}"#)
        #expect(unknown.status == 404 && unknown.body.contains("no profile named nope"), "\(unknown.body)")
        #expect(try daemon.request("POST", "/api/sessions", body: "{").status == 400)
        #expect(try daemon.request("POST", "/api/sessions", body: #"{"profile":"sh","cols":0}"#).status == 400)
        _ = try daemon.createSession()
        let refused = try daemon.request("POST", "/api/sessions", body: #"{"profile":"sh"}"#)
        #expect(refused.status == 429 && refused.body.contains("--max-sessions 1"), "\(refused.body)")
    }

    @Test func rotatingTheTokenDisconnectsClientsThatUsedIt() throws {
        let daemon = try DaemonFixture()
        let id = try daemon.createSession()
        let old = daemon.token
        let holder = try daemon.backgroundClient(id, "hold")
        #expect(holder.waitForStderr(containing: "attached"))
        try succeed(try daemon.workspace.run("daemon", "rotate-token"))
        let held = holder.finish()
        let closed = try JSONSerialization.jsonObject(with: Data(held.stdout.utf8)) as? [String: Any]
        #expect(closed?["close_code"] as? Int == 1008, "\(held)")
        #expect(try daemon.request("GET", "/health", token: old).status == 401)
        #expect(try daemon.request("GET", "/health").status == 200)
        let audit = try succeed(try daemon.workspace.run("audit", "query", "--type", "token", "--json")).stdout
        #expect(audit.contains("rotated"))
    }

    @Test func remotesAttachAndProfilesRunRemoteDriveARealDaemon() throws {
        let daemon = try DaemonFixture()
        try succeed(try daemon.workspace.run("config", "set", "credentials.backend", "file"))
        try succeed(try daemon.workspace.run("remotes", "add", "here", "--url", daemon.url, "--token", daemon.token))
        let id = try daemon.createSession()
        let sessions = try succeed(try daemon.workspace.run("remotes", "sessions", "here"))
        #expect(sessions.stdout.contains(id) && sessions.stdout.contains("sh"))

        // Input stays open until the agent exits (end of input would detach); its exit status is the command's.
        let attached = try daemon.typing("echo via-remote-$((3*3)); exit 7", into: #""$RINGLET" remotes attach here "# + id)
        #expect(attached.status == 7 && attached.stdout.contains("via-remote-9"), "\(attached)")

        let run = try daemon.typing("echo started-remotely-$((4*4)); exit 5", into: #""$RINGLET" profiles run sh --remote here"#)
        #expect(run.status == 5 && run.stdout.contains("started-remotely-16"), "\(run)")
        #expect(run.stderr.contains("ringlet: session "), "\(run)")
    }

    /// HTTPS and WSS with a certificate: curl trusting it, and a remote reached through RINGLET_CA_FILE.
    @Test func withACertificateTheDaemonServesTLSAndRemotesReachItThroughTheCAFile() throws {
        let folder = try TemporaryDirectory()
        let certificate = try SelfSignedCertificate(in: folder.path)
        let daemon = try DaemonFixture(["--tls-cert", certificate.certificatePath, "--tls-key", certificate.keyPath])
        daemon.curlOptions = ["--cacert", certificate.certificatePath]
        #expect(daemon.url.hasPrefix("https://127.0.0.1:"))
        #expect(try daemon.request("GET", "/health").status == 200)
        let id = try daemon.createSession()

        try succeed(try daemon.workspace.run("config", "set", "credentials.backend", "file"))
        try succeed(try daemon.workspace.run("remotes", "add", "secure", "--url", daemon.url, "--token", daemon.token))
        expect(try daemon.workspace.run("remotes", "sessions", "secure"), exit: Exit.failure, stderr: ["certificate"])
        let trusted = try daemon.workspace.run(["remotes", "sessions", "secure"], environment: ["RINGLET_CA_FILE": certificate.certificatePath])
        #expect(trusted.status == 0 && trusted.stdout.contains(id), "\(trusted)")
        let attached = try daemon.typing("echo over-tls-$((5*5)); exit 4", into: #""$RINGLET" remotes attach secure "# + id,
                                         environment: ["RINGLET_CA_FILE": certificate.certificatePath])
        #expect(attached.status == 4 && attached.stdout.contains("over-tls-25"), "\(attached)")
    }

    @Test func aDaemonOnAnotherAddressWithoutTLSWarnsAndStayAliveDetachesIt() throws {
        let workspace = try RingletWorkspace("ringlet-daemon")
        let started = try workspace.run("daemon", "--stay-alive", "--listen", "0.0.0.0:0")
        #expect(started.status == 0, "\(started)")
        #expect(started.stderr.contains("daemon listening on http://127.0.0.1:"), "\(started)")
        defer { _ = try? workspace.run("daemon", "stop") }
        let log = try String(contentsOfFile: workspace.home + "/state/daemon.log", encoding: .utf8)
        #expect(log.contains("without TLS"), "the warning goes to the detached daemon's log: \(log)")
        let status = try succeed(try workspace.run("daemon", "status", "--json")).jsonObject()
        #expect(status["running"] as? Bool == true)
        let pid = try #require(status["pid"] as? Int)
        #expect(getsid(pid_t(pid)) == pid_t(pid), "in a session of its own, so a closing terminal does not end it")
        expect(try workspace.run("daemon", "stop"), exit: Exit.ok, stdout: ["stopped the daemon"])
    }

    @Test func statusAndStopFindTheDaemonAndStoppingLeavesSessionsRunning() throws {
        let daemon = try DaemonFixture()
        let id = try daemon.createSession()
        let status = try succeed(try daemon.workspace.run("daemon", "status", "--json")).jsonObject()
        #expect(status["running"] as? Bool == true && status["url"] as? String == daemon.url)
        #expect((status["health"] as? [String: Any])?["sessions"] as? Int == 1)
        expect(try daemon.workspace.run("daemon"), exit: Exit.failure, stderr: ["a daemon already runs"])
        expect(try daemon.workspace.run("daemon", "stop"), exit: Exit.ok, stdout: ["stopped the daemon", "sessions keep running"])
        expect(try daemon.workspace.run("daemon", "status"), exit: Exit.failure, stdout: ["not running"])
        #expect(daemon.sessionIDs() == [id])
        #expect(daemon.hostPIDs().allSatisfy { kill($0, 0) == 0 }, "the session's host outlived the daemon")
        try daemon.start(port: daemon.port)
        #expect(try daemon.session(id)["state"] as? String == "running")
    }
}
