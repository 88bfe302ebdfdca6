import COpenSSL

extension SHA256 {
    /// An incremental SHA-256 computation. It owns an OpenSSL digest context, so it is
    /// non-copyable: the context is freed exactly once, when the hasher goes away, and
    /// `finalize()` consumes the hasher so it cannot be updated after producing a digest.
    public struct Hasher: ~Copyable {
        private let context: OpaquePointer

        public init() {
            // Both calls fail only when memory is exhausted or OpenSSL is broken; no caller
            // could recover, and returning a wrong digest would be worse than stopping.
            guard let context = EVP_MD_CTX_new() else {
                fatalError("OpenSSL could not allocate a SHA-256 context (out of memory)")
            }
            guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
                EVP_MD_CTX_free(context)
                fatalError("OpenSSL could not initialise SHA-256: \(Self.openSSLError())")
            }
            self.context = context
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
                fatalError("OpenSSL failed to update a SHA-256 digest: \(Self.openSSLError())")
            }
        }

        public mutating func update(_ bytes: some Sequence<UInt8>) {
            let handledContiguously: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                update(UnsafeRawBufferPointer(buffer))
            }
            guard handledContiguously == nil else { return }
            // Lazy or non-contiguous sequences are copied in bounded pieces rather than all at once.
            var chunk: [UInt8] = []
            chunk.reserveCapacity(SHA256.fileChunkSize)
            for byte in bytes {
                chunk.append(byte)
                if chunk.count == SHA256.fileChunkSize {
                    chunk.withUnsafeBytes { update($0) }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            chunk.withUnsafeBytes { update($0) }
        }

        public consuming func finalize() -> SHA256Digest {
            var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
            var length: UInt32 = 0
            guard EVP_DigestFinal_ex(context, &output, &length) == 1, length == SHA256Digest.byteCount,
                  let digest = SHA256Digest(bytes: output)
            else {
                fatalError("OpenSSL failed to finish a SHA-256 digest: \(Self.openSSLError())")
            }
            return digest
        }

        deinit {
            EVP_MD_CTX_free(context)
        }

        private static func openSSLError() -> String {
            let code = ERR_get_error()
            guard code != 0, let reason = ERR_reason_error_string(code) else { return "no details from OpenSSL" }
            return String(cString: reason)
        }
    }
}
