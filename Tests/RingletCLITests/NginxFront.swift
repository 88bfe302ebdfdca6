import Foundation
import Glibc
import RingletTestSupport
import Testing

/// One of the repository's nginx examples (Examples/reverse-proxy, Examples/https-registry), run for
/// real: its server block with the listen address, the names, the certificate and the upstream or root
/// replaced, inside a minimal main configuration of the test's own. Stopped when released.
final class NginxFront: @unchecked Sendable {
    let folder: TemporaryDirectory
    let port: Int
    let certificate: SelfSignedCertificate
    private let process: RunningProcess

    init(example: String, replacing replacements: [(String, String)]) throws {
        folder = try TemporaryDirectory()
        certificate = try SelfSignedCertificate(in: folder.path)
        port = try UnusedPort.make()
        var site = try String(contentsOfFile: Repository.root + "/Examples/" + example, encoding: .utf8)
        let common = [
            ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"), ("listen [::]:443 ssl;", ""),
            ("server_name dev-box.example.com;", "server_name localhost;"), ("server_name registry.example.com;", "server_name localhost;"),
        ]
        for (from, to) in common + replacements {
            try #require(site.contains(from) || common.contains { $0.0 == from }, "\(example) no longer has \(from)")
            site = site.replacingOccurrences(of: from, with: to)
        }
        site = site.replacingOccurrences(of: #"/etc/ssl/certs/[a-z.\-]+\.pem"#, with: certificate.certificatePath, options: .regularExpression)
        site = site.replacingOccurrences(of: #"/etc/ssl/private/[a-z.\-]+\.key"#, with: certificate.keyPath, options: .regularExpression)
        let temp = folder.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let main = """
            user root;
            worker_processes 1;
            daemon off;
            pid \(folder.path)/nginx.pid;
            error_log \(folder.path)/error.log;
            events {}
            http {
                access_log off;
                client_body_temp_path \(temp)/body; proxy_temp_path \(temp)/proxy; fastcgi_temp_path \(temp)/fastcgi;
                uwsgi_temp_path \(temp)/uwsgi; scgi_temp_path \(temp)/scgi;
            \(site)
            }
            """
        let configuration = try folder.write("nginx.conf", main)
        process = try RunningProcess("/usr/sbin/nginx", ["-e", folder.path + "/error.log", "-p", folder.path, "-c", configuration],
                                     in: folder.path, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"])
        for _ in 0..<300 where (try? ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "--cacert", certificate.certificatePath, url + "/"]))?.status != 0 {
            usleep(100_000)
        }
    }

    var url: String { "https://localhost:\(port)" }

    deinit {
        if let pid = try? String(contentsOfFile: folder.path + "/nginx.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           let number = Int32(pid) {
            kill(number, SIGQUIT)
        }
        _ = process.finish()
    }
}
