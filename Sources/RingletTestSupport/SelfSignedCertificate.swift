import Foundation

/// A self-signed certificate for `localhost` and `127.0.0.1`, made with the `openssl` command in a folder
/// the caller owns; its certificate doubles as the CA file a client must be given to trust it.
public struct SelfSignedCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String

    public init(in directory: String) throws {
        certificatePath = directory + "/cert.pem"
        keyPath = directory + "/key.pem"
        let result = try ProcessRunner.run("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", keyPath, "-out", certificatePath,
        ])
        guard result.status == 0 else { throw GitRepository.GitFailure(message: "openssl: \(result.stderr)") }
    }
}
