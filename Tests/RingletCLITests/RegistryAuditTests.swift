import Foundation
import RingletTestSupport
import Testing

/// Registry changes leave a record in the audit log, as runs do.
@Suite struct RegistryAuditTests {
    @Test func addingARegistryAndLockingAreAudited() throws {
        let workspace = try RingletWorkspace()
        let acme = try workspace.registry("acme", name: "acme")
        _ = try acme.agent("tool", "1.0.0")
        #expect(try workspace.run("registry", "add", "acme", acme.path).status == 0)
        let project = try workspace.folder("project")
        #expect(try workspace.run(["registry", "lock", "--agent", "tool"], in: project).status == 0)
        let rows = try workspace.run("audit", "query", "--type", "registry", "--json").stdout.split(separator: "\n")
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.first?.contains("\"action\":\"add\"") == true && rows.first?.contains("\"registry\":\"acme\"") == true, "\(rows)")
        #expect(rows.last?.contains("\"action\":\"lock\"") == true && rows.last?.contains("tool@1.0.0") == true, "\(rows)")
        #expect(try workspace.run("audit", "verify").status == 0)
    }
}
