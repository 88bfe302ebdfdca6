import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG, which the kernel seeds.
/// Use it for tokens and secrets; there is no failure to handle because a process that
/// cannot get secure randomness must not continue as if it could.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes needs a non-negative count, got \(count)")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            // RAND_bytes takes an Int32 length, so very large requests go in pieces.
            while offset < buffer.count {
                let piece = min(buffer.count - offset, Int(Int32.max))
                guard RAND_bytes(buffer.baseAddress! + offset, Int32(piece)) == 1 else {
                    let code = ERR_get_error()
                    let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "no details"
                    fatalError("OpenSSL's random number generator is not working (\(reason)); refusing to continue without secure randomness")
                }
                offset += piece
            }
        }
        return bytes
    }

    /// A random token of `bytes` random bytes, printed as `2 * bytes` lower-case hex digits.
    public static func hexToken(bytes count: Int) -> String {
        Hex.encode(bytes(count))
    }
}
