import COpenSSL
import RingletCrypto

/// The OpenSSL client configuration: TLS 1.2 or later and verified peers, trusting the
/// system store (OpenSSL's default paths, which honour `SSL_CERT_FILE` and `SSL_CERT_DIR`)
/// plus the client's extra CA file. Owns the `SSL_CTX` and frees it exactly once in
/// `deinit`. It is never changed after `init`, and OpenSSL allows a configured `SSL_CTX`
/// to create sessions on several threads at once, hence the unchecked `Sendable`.
final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init(caFile: String?, for url: HTTPURL) throws(HTTPClientError) {
        guard let pointer = SSL_CTX_new(TLS_client_method()) else {
            let reason = OpenSSLError.takeReason() ?? "OpenSSL could not create a TLS context"
            throw .tlsHandshakeFailed(url, reason: reason)
        }
        self.pointer = pointer
        SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER, nil)
        // Swift may hand SSL_write a different address for the same bytes when it retries.
        _ = ringlet_SSL_CTX_set_mode(pointer, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        guard ringlet_SSL_CTX_set_min_proto_version(pointer, TLS1_2_VERSION) == 1 else {
            let reason = OpenSSLError.takeReason() ?? "OpenSSL refused to require TLS 1.2"
            throw .tlsHandshakeFailed(url, reason: reason)
        }
        // A missing system store is not an error here: a CA file may make it unnecessary, and
        // otherwise verification fails with a reason ("unable to get local issuer certificate")
        // that points at the problem.
        _ = SSL_CTX_set_default_verify_paths(pointer)
        ERR_clear_error()
        if let caFile, SSL_CTX_load_verify_locations(pointer, caFile, nil) != 1 {
            throw .cannotLoadCAFile(path: caFile, reason: OpenSSLError.takeReason() ?? "unknown OpenSSL error")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }
}
