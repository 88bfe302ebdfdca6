import Glibc
import RingletSystem

/// Where decisions go: JSON lines appended to a file and, when set, a sink such as the audit log.
///
/// Each line is one write(2) on an O_APPEND descriptor, which the kernel applies whole and in order,
/// so lines from concurrent connections never interleave and no lock is held around the system call.
public final class DecisionLog: Sendable {
    /// Owned by this log: opened in init, closed in deinit, never handed out.
    private let descriptor: Int32
    private let sink: (@Sendable (DecisionRecord) -> Void)?

    public init(path: String?, sink: (@Sendable (DecisionRecord) -> Void)? = nil) throws(SystemError) {
        if let path {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .call(operation: "open the log", path: path, errno: errno) }
            descriptor = fd
        } else {
            descriptor = -1
        }
        self.sink = sink
    }

    func record(_ record: DecisionRecord) {
        if descriptor >= 0 {
            let line = Array((record.jsonLine + "\n").utf8)
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
        sink?(record)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
