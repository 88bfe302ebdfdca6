import COpenSSL
import Glibc
import RingletCrypto

/// The server's TLS configuration: one `SSL_CTX` with the certificate chain and key loaded and
/// checked against each other, TLS 1.2 or later (OpenSSL 3 already refuses client-initiated
/// renegotiation). Everything that can be wrong
/// with the files is found here, when the daemon starts, instead of in the first client's
/// handshake. The context is never changed after `init` and OpenSSL lets a configured context
/// create sessions from any thread, hence the unchecked `Sendable`; it is freed exactly once.
public final class ServerTLS: @unchecked Sendable {
    let context: OpaquePointer

    public init(certificate: String, key: String) throws(DaemonError) {
        for (path, what) in [(certificate, "certificate"), (key, "private key")] where access(path, R_OK) != 0 {
            throw .tls("cannot read the TLS \(what) file \(path): \(String(cString: strerror(errno))); check the path and its permissions")
        }
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tls("OpenSSL cannot create a TLS context: \(OpenSSLError.takeReason() ?? "unknown error")")
        }
        self.context = context
        _ = ringlet_SSL_CTX_set_mode(context, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE))
        guard ringlet_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw .tls("OpenSSL refused to require TLS 1.2: \(OpenSSLError.takeReason() ?? "unknown error")")
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
            throw .tls("\(certificate) is not a PEM certificate chain (\(OpenSSLError.takeReason() ?? "unknown error")); give the server certificate first, then its intermediates")
        }
        guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
            let reason = OpenSSLError.takeReason() ?? "unknown error"
            if reason.contains("values mismatch") || reason.contains("mismatch") {
                throw .tls("the private key \(key) does not match the certificate \(certificate); give the key the certificate was issued for")
            }
            throw .tls("\(key) is not an unencrypted PEM private key (\(reason))")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            _ = OpenSSLError.takeReason()
            throw .tls("the private key \(key) does not match the certificate \(certificate); give the key the certificate was issued for")
        }
    }

    deinit {
        SSL_CTX_free(context)
    }
}
