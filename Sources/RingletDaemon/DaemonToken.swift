import Glibc
import RingletCrypto
import RingletSystem

/// The daemon's bearer token: 32 random bytes from OpenSSL's DRBG as hex, made on first start and kept
/// in `~/.config/ringlet/http_token` (0600) across restarts until rotated.
///
/// Every request to the daemon must carry it. Comparison takes the same time whatever the first
/// differing byte, so response timing tells an attacker nothing about a guess. A token file that other
/// users could read is refused, as the credentials file is: it grants an agent on this machine.
public struct DaemonToken: Sendable, Equatable {
    public static let fileName = "http_token"
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The stored token, or a new one written atomically (0600) when there is none.
    public static func loadOrCreate(configDirectory: String) throws(DaemonError) -> DaemonToken {
        let path = configDirectory + "/" + fileName
        if FileStatus.of(path).exists { return try load(path) }
        return try rotate(configDirectory: configDirectory)
    }

    /// A new token replaces the stored one; requests with the old one fail from now on.
    public static func rotate(configDirectory: String) throws(DaemonError) -> DaemonToken {
        let token = DaemonToken(SecureRandom.hexToken(bytes: 32))
        do throws(SystemError) {
            try Directory.create(configDirectory, mode: 0o700)
            try AtomicFile.write(token.value + "\n", to: configDirectory + "/" + fileName, mode: 0o600)
        } catch {
            throw .token("cannot store the daemon token in \(configDirectory)/\(fileName): \(error)")
        }
        return token
    }

    static func load(_ path: String) throws(DaemonError) -> DaemonToken {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw .token("\(path) is not a regular file; remove it and start the daemon again to make a new token")
        }
        guard info.st_mode & 0o077 == 0, info.st_uid == getuid() else {
            throw .token("\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path), or rotate the token")
        }
        let text: String
        do throws(SystemError) { text = try FileBytes.readString(path, limit: 4096).trimmingWhitespace } catch {
            throw .token("cannot read \(path): \(error)")
        }
        guard text.count >= 32, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .token("\(path) does not hold a token; run `ringlet daemon rotate-token` to make a new one")
        }
        return DaemonToken(text)
    }

    /// Whether `offered` is this token, in time that depends only on the lengths.
    public func matches(_ offered: String) -> Bool {
        let expected = Array(value.utf8), given = Array(offered.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0 ..< expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
