import Foundation

/// SHA-256 of a file as `sha256sum` computes it: an independent check of the digests ringlet prints.
public enum SHA256Sum {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The lower-case hex digest of the file at `path`.
    public static func of(file path: String) throws -> String {
        let result = try ProcessRunner.run("sha256sum", ["--binary", "--", path])
        guard result.status == 0, let digest = result.stdout.split(separator: " ").first, digest.count == 64 else {
            throw Failure(description: "sha256sum \(path): \(result)")
        }
        return String(digest)
    }
}
