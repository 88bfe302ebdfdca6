import Foundation
import Glibc
import RingletSandbox
import RingletTestSupport
import Testing

@Suite struct DoctorTests {
    @Test func everyCheckPassesOnAMachineThatRunsTheSandboxTests() throws {
        let workspace = try RingletWorkspace()
        let result = try workspace.ringlet.run(["doctor", "--json"])
        #expect(result.status == 0, "\(result)")
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["kernel", "bubblewrap", "user namespaces", "seccomp",
                                                         "socket folder", "resource limits", "registry builtin", "daemon token", "daemon port"])
        #expect(checks.allSatisfy { $0["ok"] as? Bool == true })
        let limits = try #require(checks.first { $0["name"] as? String == "resource limits" }?["detail"] as? String)
        #expect(limits.hasPrefix(Cgroup.available() == nil ? "rlimits only" : "cgroup v"), "\(limits)")
    }

    @Test func aMissingToolFailsWithWhatToDo() throws {
        let workspace = try RingletWorkspace()
        let empty = try workspace.folder("empty-path")
        let result = try workspace.ringlet.run(["doctor"], environment: ["PATH": empty])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains(/bubblewrap +FAIL  bwrap not found — install it: apt-get install bubblewrap/), "\(result.stdout)")
    }

    @Test func theDaemonsTokenPortAndTLSFilesAreChecked() throws {
        let workspace = try RingletWorkspace()
        try succeed(try workspace.run("daemon", "token"))
        let token = workspace.home + "/config/http_token"
        #expect(chmod(token, 0o644) == 0)
        let folder = try TemporaryDirectory()
        let first = try SelfSignedCertificate(in: folder.path)
        let other = try SelfSignedCertificate(in: folder.path, names: ["other.test"])
        let result = try workspace.run("doctor", "--tls-cert", first.certificatePath, "--tls-key", other.keyPath)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("daemon token") && result.stdout.contains("chmod 600 \(token)"), "\(result.stdout)")
        #expect(result.stdout.contains("TLS files") && result.stdout.contains("FAIL"), "\(result.stdout)")
        #expect(chmod(token, 0o600) == 0)
        let fine = try workspace.run("doctor", "--json", "--tls-cert", first.certificatePath, "--tls-key", first.keyPath)
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(fine.stdout.utf8)) as? [[String: Any]])
        #expect(checks.filter { ["daemon token", "TLS files"].contains($0["name"] as? String) }.allSatisfy { $0["ok"] as? Bool == true }, "\(fine)")
    }

    @Test func aRunningDaemonIsFoundAndAnswers() throws {
        let daemon = try DaemonFixture()
        let result = try succeed(try daemon.workspace.run("doctor", "--json"))
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let found = try #require(checks.first { $0["name"] as? String == "daemon" })
        #expect(found["ok"] as? Bool == true && (found["detail"] as? String)?.contains(daemon.url) == true, "\(found)")
    }
}
