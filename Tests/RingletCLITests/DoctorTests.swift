import Foundation
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
                                                         "proxy socket folder", "resource limits"])
        #expect(checks.allSatisfy { $0["ok"] as? Bool == true })
        let limits = try #require(checks.last?["detail"] as? String)
        #expect(limits.hasPrefix(Cgroup.available() == nil ? "rlimits only" : "cgroup v"), "\(limits)")
    }

    @Test func aMissingToolFailsWithWhatToDo() throws {
        let workspace = try RingletWorkspace()
        let empty = try workspace.folder("empty-path")
        let result = try workspace.ringlet.run(["doctor"], environment: ["PATH": empty])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("bubblewrap           FAIL  bwrap not found — install it: apt-get install bubblewrap"), "\(result.stdout)")
    }
}
