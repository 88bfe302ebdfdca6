import Glibc

/// A log file written one line at a time by many threads: each line is one write(2) on an O_APPEND
/// descriptor, which the kernel applies whole and in order, so concurrent lines never interleave and
/// no lock is held around the system call. Created 0600: logs say what agents did.
public final class AppendOnlyFile: Sendable {
    /// Owned by this file: opened in init, closed in deinit, never handed out.
    private let descriptor: Int32

    public init(path: String) throws(SystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .call(operation: "open the log", path: path, errno: errno) }
        descriptor = fd
    }

    /// Appends `line` and a newline; a failing write drops the line (a log must not stop the work it records).
    public func append(line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    deinit { close(descriptor) }
}
