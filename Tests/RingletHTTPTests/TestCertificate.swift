import Foundation

/// A self-signed certificate and key made with the `openssl` command in a temporary
/// directory, which `remove()` deletes. Being self-signed, the certificate is also the
/// CA file that makes clients trust it.
struct TestCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    init(commonName: String, subjectAltName: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringlet-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", keyPath, "-out", certificatePath,
            "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=\(subjectAltName)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            remove()
            throw CertificateError.opensslFailed(process.terminationStatus)
        }
    }

    /// Runs `body` with a fresh certificate and always deletes it afterwards.
    @discardableResult
    static func with<T>(commonName: String, subjectAltName: String, _ body: (TestCertificate) throws -> T) throws -> T {
        let certificate = try TestCertificate(commonName: commonName, subjectAltName: subjectAltName)
        defer { certificate.remove() }
        return try body(certificate)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    enum CertificateError: Error {
        case opensslFailed(Int32)
    }
}
