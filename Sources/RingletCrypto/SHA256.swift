import Glibc

/// SHA-256 through OpenSSL's EVP interface, which picks the fastest implementation
/// for the CPU (SHA-NI, AVX2). Use `hash(_:)` for bytes already in memory,
/// `hash(fileAt:)` for files of any size, and `Hasher` for data that arrives in pieces.
public enum SHA256 {
    /// Big enough to amortise the system call, small enough to stay in cache.
    static let fileChunkSize = 64 << 10

    public static func hash(_ bytes: some Sequence<UInt8>) -> SHA256Digest {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hash(_ string: String) -> SHA256Digest {
        hash(string.utf8)
    }

    /// Hashes the file at `path`, reading it in chunks so memory use does not grow with its size.
    public static func hash(fileAt path: String) throws(CryptoError) -> SHA256Digest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(fd) }

        var hasher = Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: fileChunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return hasher.finalize()
    }
}
