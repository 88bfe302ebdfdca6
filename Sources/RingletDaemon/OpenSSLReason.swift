import COpenSSL

/// Reads OpenSSL's per-thread error queue and clears it, so a stale entry can never pass for the
/// cause of a later failure on the loop thread, which serves every connection.
enum OpenSSLReason {
    /// The oldest queued error is the root cause; later entries only add the calling layers.
    static func take() -> String? {
        defer { ERR_clear_error() }
        let code = ERR_get_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return nil }
        return String(cString: reason)
    }
}
