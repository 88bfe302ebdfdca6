import Foundation

extension SelfSignedCertificate {
    /// A self-signed certificate (P-256, quick to make) for the given DNS names and 127.0.0.1, so a test
    /// can serve HTTPS under a name that only its own resolver knows (`secure.test`).
    public init(in directory: String, names: [String]) throws {
        certificatePath = directory + "/\(names.first ?? "cert")-cert.pem"
        keyPath = directory + "/\(names.first ?? "cert")-key.pem"
        let alternatives = (names.map { "DNS:\($0)" } + ["IP:127.0.0.1"]).joined(separator: ",")
        let result = try ProcessRunner.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=\(names.first ?? "localhost")", "-addext", "subjectAltName=\(alternatives)",
            "-keyout", keyPath, "-out", certificatePath,
        ])
        guard result.status == 0 else { throw GitRepository.GitFailure(message: "openssl: \(result.stderr)") }
    }
}
