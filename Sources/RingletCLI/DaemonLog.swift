import Glibc
import RingletSystem

/// `~/.local/state/ringlet/daemon.log`: where a detached daemon and the session hosts write (they have no
/// terminal), and where an error that they died while starting quotes their last words from.
struct DaemonLog {
    let folder: String
    var path: String { folder + "/daemon.log" }

    init(_ directories: RingletDirectories) {
        folder = directories.state
    }

    /// The log opened for appending (0600, its folder 0700), to hand a child as its stdout and stderr.
    func openForAppending() throws(SystemError) -> FileDescriptor {
        try Directory.create(folder, mode: 0o700)
        return try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode: 0o600)
    }

    /// The last `count` lines, read from the end, however long the log has grown.
    func lastLines(_ count: Int) -> String {
        guard let file = try? FileDescriptor.open(path, flags: O_RDONLY | O_CLOEXEC) else { return "" }
        defer { file.close() }
        let size = lseek(file.rawValue, 0, SEEK_END)
        guard size > 0 else { return "" }
        _ = lseek(file.rawValue, max(0, size - 16_384), SEEK_SET)
        let tail = (try? file.read(upTo: 16_384)) ?? []
        return String(decoding: tail, as: UTF8.self).split(separator: "\n").suffix(count).joined(separator: "\n")
    }
}
