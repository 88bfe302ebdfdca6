import Glibc
import RingletSystem
import Synchronization

/// Where decisions go: JSON lines appended to a file (each line one write, so lines from concurrent
/// connections never interleave) and, when set, a sink such as the audit log.
public final class DecisionLog: Sendable {
    private let file: Mutex<FileDescriptor?>
    private let sink: (@Sendable (DecisionRecord) -> Void)?

    public init(path: String?, sink: (@Sendable (DecisionRecord) -> Void)? = nil) throws(SystemError) {
        if let path {
            file = Mutex(try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_APPEND, mode: 0o600, operation: "open the log"))
        } else {
            file = Mutex(nil)
        }
        self.sink = sink
    }

    func record(_ record: DecisionRecord) {
        let line = Array((record.jsonLine + "\n").utf8)
        file.withLock { descriptor in _ = try? descriptor?.writeAll(line) }
        sink?(record)
    }
}
