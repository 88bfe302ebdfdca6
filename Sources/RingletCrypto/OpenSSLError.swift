import COpenSSL

/// Reading OpenSSL's per-thread error queue. The queue is cleared after reading so a stale
/// entry cannot be mistaken for the cause of a later failure on the same thread.
public enum OpenSSLError {
    /// The reason of the oldest queued error, which is the root cause; later entries only
    /// add the calling layers.
    public static func takeReason() -> String? {
        defer { ERR_clear_error() }
        let code = ERR_get_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return nil }
        return String(cString: reason)
    }

    /// OpenSSL 3 reports a peer that closed without close_notify as this error rather than
    /// as an end of stream; it does not clear the queue, so call it before `takeReason`.
    public static func isUnexpectedEOF() -> Bool {
        let code = ERR_peek_error()
        return code != 0 && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING
    }
}
