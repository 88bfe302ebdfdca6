import Foundation
import RingletTestSupport
import Testing

/// `ringlet remotes …` and `ringlet profiles run --remote` with the built binary, against the Python
/// stand-in for a remote daemon (Tests/RingletRemoteTests/Fixtures/daemon_double.py).
@Suite(.serialized) struct RemotesCommandsTests {
    static let token = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c"
    static let seededSession = "3f9a0c1d2e4b5a67"
    static let script = Repository.root + "/Tests/RingletRemoteTests/Fixtures/daemon_double.py"

    /// Debian's python3 explicitly: the one first on PATH may lack the websockets package.
    static func startDouble() throws -> PythonServer {
        try PythonServer(script: "import os, sys\nos.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv[1:])",
                         arguments: [script, token])
    }

    /// A workspace whose tokens go to the file backend, so the test never touches a desktop keyring.
    static func workspace() throws -> RingletWorkspace {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("config", "set", "credentials.backend", "file"))
        return workspace
    }

    @Test func addListSessionsRemove() throws {
        let server = try Self.startDouble()
        let workspace = try Self.workspace()
        let url = "http://127.0.0.1:\(server.port)"
        let remotesFile = workspace.home + "/config/remotes.yaml"
        let credentialsFile = workspace.home + "/config/credentials.yaml"

        expect(try workspace.run("remotes", "add", "lab", "--url", url, "--token", Self.token), exit: Exit.ok, stdout: ["added remote lab (\(url))"])
        let yaml = try String(contentsOfFile: remotesFile, encoding: .utf8)
        #expect(yaml.contains(url) && !yaml.contains(Self.token), "\(yaml)")
        #expect(try String(contentsOfFile: credentialsFile, encoding: .utf8).contains("ringlet-remote"))

        let listed = try succeed(try workspace.run("remotes", "list", "--json"))
        #expect(try listed.jsonArray().map { [$0["name"] as? String, $0["url"] as? String] } == [["lab", url]])
        expect(try workspace.run("remotes", "list"), exit: Exit.ok, stdout: ["NAME", "lab", url])

        expect(try workspace.run("remotes", "add", "lab", "--url", url, "--token", Self.token), exit: Exit.failure, stderr: ["remote lab exists", "--force"])
        expect(try workspace.run("remotes", "add", "Lab!", "--url", url, "--token", Self.token), exit: Exit.usage, stderr: ["invalid remote name"])
        expect(try workspace.run("remotes", "add", "lab2", "--url", url + "/api", "--token", Self.token), exit: Exit.usage, stderr: ["invalid remote URL"])
        expect(try workspace.run("remotes", "add", "lab2", "--url", url), exit: Exit.usage, stderr: ["--token"])
        #expect(try String(contentsOfFile: remotesFile, encoding: .utf8) == yaml, "refused adds change nothing")

        let sessions = try succeed(try workspace.run("remotes", "sessions", "lab", "--json"))
        let rows = try sessions.jsonArray()
        #expect(rows.map { $0["id"] as? String } == [Self.seededSession])
        #expect(rows.first?["uptime_seconds"] as? Int == 192 && rows.first?["attached_clients"] as? Int == 1)
        expect(try workspace.run("remotes", "sessions", "lab"), exit: Exit.ok,
               stdout: ["SESSION_ID", "PROFILE", "AGENT", "UPTIME", "CLIENTS", Self.seededSession, "3m12s"])

        try succeed(try workspace.ringlet.run(["remotes", "add", "stale", "--url", url, "--token-stdin"], stdin: "wrong-token\n"))
        expect(try workspace.run("remotes", "sessions", "stale"), exit: Exit.failure,
               stderr: ["remote stale refused the token (401): missing or wrong bearer token",
                        "ringlet remotes add stale --url \(url) --token TOKEN --force"])
        expect(try workspace.run("remotes", "sessions", "nowhere"), exit: Exit.failure, stderr: ["no remote named 'nowhere'"])

        expect(try workspace.run("remotes", "remove", "lab"), exit: Exit.ok, stdout: ["removed remote lab"])
        expect(try workspace.run("remotes", "remove", "lab"), exit: Exit.failure, stderr: ["no remote named 'lab'"])
        let remaining = try succeed(try workspace.run("remotes", "list", "--json"))
        #expect(try remaining.jsonArray().map { $0["name"] as? String } == ["stale"])
        let credentials = try String(contentsOfFile: credentialsFile, encoding: .utf8)
        #expect(!credentials.contains(Self.token) && credentials.contains("stale"), "\(credentials)")
    }

    @Test func runningAProfileRemotelyAndDetaching() throws {
        let server = try Self.startDouble()
        let workspace = try Self.workspace()
        try succeed(try workspace.run("remotes", "add", "lab", "--url", "http://127.0.0.1:\(server.port)", "--token", Self.token))

        // Stdin is not a terminal and ends at once: the attach detaches and the session keeps running.
        let run = try workspace.ringlet.run(["profiles", "run", "work", "--remote", "lab"], stdin: "")
        #expect(run.status == 0, "\(run)")
        let id = try #require(run.stderr.firstMatch(of: /ringlet: session ([0-9a-f]+) on lab/)?.1, "\(run)")
        #expect(run.stderr.contains("ringlet: detached from session \(id); reattach with ringlet remotes attach lab \(id)"), "\(run)")
        let sessions = try succeed(try workspace.run("remotes", "sessions", "lab", "--json")).jsonArray()
        #expect(sessions.contains { $0["id"] as? String == String(id) && $0["state"] as? String == "running" })

        expect(try workspace.run("profiles", "run", "nope", "--remote", "lab"), exit: Exit.failure, stderr: ["no profile nope on this daemon"])
        expect(try workspace.run("profiles", "run", "work", "--remote", "lab", "--no-sandbox"), exit: Exit.usage, stderr: ["--no-sandbox applies to local runs only"])
        expect(try workspace.run("remotes", "attach", "lab", "feedface"), exit: Exit.failure, stderr: ["answered 404: no such session"])
    }

    @Test func everyRemotesCommandHasHelp() throws {
        let workspace = try RingletWorkspace()
        for command in ["add", "list", "remove", "sessions", "attach"] {
            let help = try succeed(try workspace.run("remotes", command, "--help"))
            #expect(!help.stdout.isEmpty)
        }
        expect(try workspace.run("profiles", "run", "--help"), exit: Exit.ok, stdout: ["--remote NAME"])
        expect(try workspace.run("remotes", "attach", "--help"), exit: Exit.ok, stdout: ["Ctrl-\\ then d detaches"])
    }
}
