import Glibc

/// Writes a file so that readers see either the old content or the new, never a half-written one:
/// a temporary file in the same directory, fsync, then rename over the target.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(SystemError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = try FileDescriptor.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode, operation: "create")
        do throws(SystemError) {
            try fd.writeAll(bytes)
            guard fchmod(fd.rawValue, mode) == 0 else { throw SystemError.call(operation: "chmod", path: temporary, errno: errno) }
            guard fsync(fd.rawValue) == 0 else { throw SystemError.call(operation: "sync", path: temporary, errno: errno) }
            fd.close()
            guard rename(temporary, path) == 0 else { throw SystemError.call(operation: "replace", path: path, errno: errno) }
        } catch {
            fd.close()
            unlink(temporary)
            throw error
        }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(SystemError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }
}
