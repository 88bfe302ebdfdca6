import Glibc
import RingletDaemon
import RingletRegistry
import RingletSystem

/// The checks beyond the sandbox: the registries (fetched content that verifies), the daemon (its
/// token file, whether it runs or its port is free) and, when given, the TLS files it would serve.
extension DoctorCommand {
    static func registryChecks(_ context: CLIContext) -> [Check] {
        let registries: RegistrySet
        do throws(CLIError) { registries = try context.openRegistries() } catch {
            return [Check(name: "registries", ok: false, detail: error.description, fix: "fix or remove the registry in registries.yaml (`ringlet registry list`)")]
        }
        return registries.registries.map { registry in
            let name = "registry \(registry.name)"
            guard let tree = registry.tree else {
                return Check(name: name, ok: false, detail: registry.unavailable.description, fix: "fetch it: ringlet registry update \(registry.name)")
            }
            let problems = RegistryScan(tree).problems
            guard problems.isEmpty else {
                return Check(name: name, ok: false, detail: "\(problems.count) problem(s): \(problems[0])",
                             fix: "`ringlet registry show \(registry.name)` lists them; update or fix the registry")
            }
            return Check(name: name, ok: true, detail: "\(registry.source.kind.rawValue)\(registry.revision.map { " at " + String($0.prefix(12)) } ?? ""), verified", fix: "")
        }
    }

    static func daemonChecks(_ context: CLIContext, certificate: String?, key: String?) -> [Check] {
        var checks: [Check] = []
        let tokenPath = context.directories.config + "/" + DaemonToken.fileName
        var info = stat()
        if lstat(tokenPath, &info) != 0 {
            checks.append(Check(name: "daemon token", ok: true, detail: "not made yet; the first `ringlet daemon` makes it (0600)", fix: ""))
        } else if info.st_mode & S_IFMT != S_IFREG || info.st_mode & 0o077 != 0 || info.st_uid != getuid() {
            checks.append(Check(name: "daemon token", ok: false, detail: "\(tokenPath) is mode \(String(info.st_mode & 0o777, radix: 8)) or not yours",
                                fix: "chmod 600 \(tokenPath), or `ringlet daemon rotate-token`"))
        } else {
            checks.append(Check(name: "daemon token", ok: true, detail: tokenPath + " (0600)", fix: ""))
        }

        if let record = DaemonRecord.running(runtimeDirectory: context.directories.runtime) {
            let health = DaemonControl.health(record, configDirectory: context.directories.config)
            checks.append(Check(name: "daemon", ok: health != nil,
                                detail: "pid \(record.pid) on \(record.url)" + (health.map { ", \($0.sessions) session(s)" } ?? " does not answer /health"),
                                fix: "see ~/.local/state/ringlet/daemon.log; `ringlet daemon stop` and start it again"))
        } else if let problem = portProblem(8765) {
            checks.append(Check(name: "daemon port", ok: false, detail: "127.0.0.1:8765 \(problem)",
                                fix: "stop what holds it, or start the daemon with --listen 127.0.0.1:PORT"))
        } else {
            checks.append(Check(name: "daemon port", ok: true, detail: "not running; 127.0.0.1:8765 is free for `ringlet daemon`", fix: ""))
        }

        if certificate != nil || key != nil {
            var check = Check(name: "TLS files", ok: true, detail: "the certificate and key load and match", fix: "")
            if let certificate, let key {
                do throws(DaemonError) { _ = try ServerTLS(certificate: certificate, key: key) } catch {
                    check = Check(name: "TLS files", ok: false, detail: error.description, fix: "give a PEM certificate chain and its private key")
                }
            } else {
                check = Check(name: "TLS files", ok: false, detail: "only one of --tls-cert and --tls-key was given", fix: "give both")
            }
            checks.append(check)
        }
        return checks
    }

    /// Why nothing could listen on 127.0.0.1:`port` now, or nil when it is free.
    static func portProblem(_ port: UInt16) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return "cannot be tried: \(SystemError.text(errno))" }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 ? nil : "is in use by another program (\(SystemError.text(errno)))"
    }
}
