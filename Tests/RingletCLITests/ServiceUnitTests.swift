import Foundation
import RingletTestSupport
import Testing

@Suite struct ServiceUnitTests {
    @Test func theUnitRunsThisRingletWithTheOptionsAndLeavesSessionsAlone() throws {
        let workspace = try RingletWorkspace()
        let certificate = try workspace.write("cert.pem", "certificate")
        let folder = URL(fileURLWithPath: certificate).deletingLastPathComponent().path
        let result = try workspace.run(["daemon", "install-service", "--no-enable", "--", "--listen", "0.0.0.0:9999", "--tls-cert", "cert.pem"],
                                       in: folder)
        let path = workspace.home + "/.config/systemd/user/ringlet.service"
        expect(result, exit: Exit.ok, stdout: ["wrote \(path)", "systemctl --user daemon-reload"])
        let unit = try String(contentsOfFile: path, encoding: .utf8)
        #expect(unit.contains("ExecStart=\(URL(fileURLWithPath: workspace.ringlet.path).resolvingSymlinksInPath().path) daemon --listen 0.0.0.0:9999 --tls-cert \(certificate)"), "\(unit)")
        #expect(unit.contains("KillMode=process") && unit.contains("WantedBy=default.target"))
        expect(try workspace.run("daemon", "install-service", "--", "--stay-alive"), exit: Exit.usage, stderr: ["--stay-alive"])
    }

    @Test func withoutASystemdUserInstanceTheUnitIsWrittenAndTheCommandSaysWhatToDo() throws {
        let workspace = try RingletWorkspace()
        let result = try workspace.run("daemon", "install-service")
        // This machine has no systemd user instance (PID 1 is not systemd); a desktop would start the service.
        try #require(result.status != 0, "systemd is running here: \(result)")
        #expect(result.stderr.contains("ringlet daemon --stay-alive"), "\(result)")
        #expect(FileManager.default.fileExists(atPath: workspace.home + "/.config/systemd/user/ringlet.service"))
    }

    /// systemd itself checks the example and the written unit (with this ringlet as the program).
    @Test func systemdAcceptsTheExampleAndTheWrittenUnit() throws {
        let workspace = try RingletWorkspace()
        let binary = URL(fileURLWithPath: workspace.ringlet.path).resolvingSymlinksInPath().path
        let example = try String(contentsOfFile: Repository.root + "/Examples/systemd/ringlet.service", encoding: .utf8)
        try #require(example.contains("ExecStart=%h/.local/bin/ringlet daemon"))
        let folder = try workspace.folder("units")
        try example.replacingOccurrences(of: "%h/.local/bin/ringlet", with: binary).write(toFile: folder + "/ringlet.service", atomically: true, encoding: .utf8)
        let checked = try ProcessRunner.run("systemd-analyze", ["verify", folder + "/ringlet.service"])
        #expect(checked.status == 0 && checked.stderr.isEmpty, "\(checked)")

        try succeed(try workspace.run("daemon", "install-service", "--no-enable"))
        let written = try ProcessRunner.run("systemd-analyze", ["verify", workspace.home + "/.config/systemd/user/ringlet.service"])
        #expect(written.status == 0 && written.stderr.isEmpty, "\(written)")
    }
}
