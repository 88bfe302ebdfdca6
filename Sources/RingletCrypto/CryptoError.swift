import Glibc

/// An error from RingletCrypto. Only file hashing can fail in a way worth reporting to
/// the user; OpenSSL failures that mean the library itself is unusable trap instead.
/// Each message names the file and the operating system's reason, so it can be shown
/// as it is.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened; `errno` is the value `open(2)` set.
    case cannotOpen(path: String, errno: Int32)
    /// Reading the file failed part-way; `errno` is the value `read(2)` set.
    case cannotRead(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            "cannot open \(path) to compute its SHA-256: \(Self.reason(code))"
        case let .cannotRead(path, code):
            "cannot read \(path) to compute its SHA-256: \(Self.reason(code))"
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
