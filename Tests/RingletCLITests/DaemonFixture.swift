import Foundation
import Glibc
import RingletTestSupport
import Testing

/// A real `ringlet daemon` on a free loopback port in its own workspace, with a `sh` profile (the
/// shell template) to start sessions from; driven with curl and the independent Python client in
/// Fixtures/daemon_client.py. Everything it started — the daemon and every session host — is killed
/// when the test lets go of it.
final class DaemonFixture: @unchecked Sendable {
    let workspace: RingletWorkspace
    let workspaceFolder: String
    private(set) var process: RunningProcess?
    /// Where requests go: the daemon, or a front a test put before it.
    var url = ""
    let extraArguments: [String]
    /// Added to every curl call (a CA file for a daemon serving TLS).
    var curlOptions: [String] = []

    static let client = Repository.fixtures + "/daemon_client.py"

    init(_ arguments: [String] = []) throws {
        workspace = try RingletWorkspace("ringlet-daemon")
        extraArguments = arguments
        workspaceFolder = try workspace.folder("project")
        try succeed(try workspace.run("profiles", "create", "sh", "--template", "shell", "--workspace", workspaceFolder))
        try start(port: 0)
    }

    deinit {
        for id in sessionIDs() {
            _ = try? request("DELETE", "/api/sessions/" + id)
            _ = try? request("DELETE", "/api/sessions/" + id)
        }
        killDaemon()
        for pid in hostPIDs() { kill(pid, SIGKILL) }
    }

    var token: String {
        ((try? String(contentsOfFile: workspace.home + "/config/http_token", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    /// Starts the daemon (again) and waits until it has published where it listens.
    func start(port: Int) throws {
        let process = try workspace.ringlet.start(["daemon", "--listen", "127.0.0.1:\(port)"] + extraArguments)
        self.process = process
        try #require(process.waitForStderr(containing: "daemon listening on"), "\(process.finish())")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.home + "/run/daemon.json"))) as? [String: Any]
        url = try #require(record?["url"] as? String)
    }

    var daemonPID: Int32? {
        guard let data = FileManager.default.contents(atPath: workspace.home + "/run/daemon.json"),
              let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return (record["pid"] as? Int).map(Int32.init)
    }

    /// kill -9, as a crash would; its record stays behind, as after a crash.
    func killDaemon() {
        guard let process else { return }
        if let pid = daemonPID { kill(pid, SIGKILL) }
        _ = process.finish()
        self.process = nil
    }

    struct Answer {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    }

    /// One request with curl; `token` nil sends none.
    func request(_ method: String, _ path: String, token: String? = "", headers: [String] = [], body: String? = nil) throws -> Answer {
        var arguments = ["-s", "-S", "-X", method, "-w", "\n%{http_code}", "--max-time", "120"]
        let bearer = token == "" ? self.token : token
        if let bearer { arguments += ["-H", "Authorization: Bearer " + bearer] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        let result = try ProcessRunner.run("curl", arguments + curlOptions + [url + path])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return Answer(status: Int(lines.last ?? "") ?? 0, body: lines.dropLast().joined(separator: "\n"))
    }

    /// A new session of the `sh` profile; its id.
    func createSession(cols: Int = 100, rows: Int = 30) throws -> String {
        let answer = try request("POST", "/api/sessions", body: #"{"profile":"sh","cols":\#(cols),"rows":\#(rows)}"#)
        try #require(answer.status == 201, "\(answer.body)")
        return try #require(answer.json["id"] as? String)
    }

    func session(_ id: String) throws -> [String: Any] {
        try request("GET", "/api/sessions/" + id).json
    }

    /// The Python client's answer (see daemon_client.py for the modes).
    func client(_ session: String, _ mode: String, _ arguments: String..., token: String? = nil) throws -> [String: Any] {
        let result = try ProcessRunner.run("/usr/bin/python3", [Self.client, url, token ?? self.token, session, mode] + arguments)
        try #require(result.status == 0, "\(result)")
        return try result.jsonObject()
    }

    /// The Python client in the background, for a second client at the same time.
    func backgroundClient(_ session: String, _ mode: String, _ arguments: String...) throws -> RunningProcess {
        try RunningProcess("/usr/bin/python3", [Self.client, url, token, session, mode] + arguments, in: workspace.home,
                           environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
    }

    func sessionIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: workspace.home + "/run/sessions")) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
    }

    func hostPIDs() -> [Int32] {
        sessionIDs().compactMap { id in
            guard let data = FileManager.default.contents(atPath: workspace.home + "/run/sessions/\(id).json"),
                  let metadata = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (metadata["hostPid"] as? Int).map(Int32.init)
        }
    }

    /// Polls `condition` for up to a minute: a loaded two-core machine is slow, never wrong.
    func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<600 {
            if try condition() { return true }
            usleep(100_000)
        }
        return false
    }

    /// `command` (a shell command line; `$RINGLET` is the binary) with `line` typed into it and its input
    /// held open until it exits, as a person at a terminal would: end of input would detach a client.
    func typing(_ line: String, into command: String, environment: [String: String] = [:]) throws -> ProcessResult {
        let done = workspace.home + "/typing-done"
        unlink(done)
        let pipeline = """
            { printf '%s\\n' "$LINE"; while [ ! -e "$DONE" ]; do sleep 0.1; done; } | { \(command); status=$?; touch "$DONE"; exit $status; }
            """
        return try ProcessRunner.run("/bin/sh", ["-c", pipeline], in: workspace.home, environment: [
            "LINE": line, "DONE": done,
            "RINGLET_HOME": workspace.home, "HOME": workspace.home, "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "RINGLET": workspace.ringlet.path,
        ].merging(environment) { _, given in given })
    }
}
