import COpenSSL

/// SHA-1 through OpenSSL. SHA-1 is broken for collision resistance, so it exists here only
/// because protocols fix it, such as the WebSocket handshake's `Sec-WebSocket-Accept`;
/// use `SHA256` for anything Ringlet chooses itself.
public enum SHA1 {
    public static let byteCount = 20

    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let status = input.withUnsafeBytes { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &output, &length, EVP_sha1(), nil)
        }
        // Fails only when memory is exhausted or OpenSSL is broken; a wrong digest would be worse than stopping.
        guard status == 1, length == byteCount else {
            fatalError("OpenSSL failed to compute a SHA-1 digest")
        }
        return output
    }
}
