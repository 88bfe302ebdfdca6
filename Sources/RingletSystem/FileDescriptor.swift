import CRingletShim
import Glibc

/// An owned file descriptor that is closed exactly once: by `close()` or, failing that, on deinit.
///
/// Ownership is what makes "every descriptor closed exactly once" checkable: raw `Int32`s are only
/// handed out for the duration of a call.
public final class FileDescriptor {
    public private(set) var rawValue: Int32

    public init(adopting rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static func open(_ path: String, flags: Int32, mode: mode_t = 0o644, operation: String = "open") throws(SystemError) -> FileDescriptor {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .call(operation: operation, path: path, errno: errno) }
        return FileDescriptor(adopting: fd)
    }

    /// Reads up to `count` bytes, retrying on EINTR. An empty result means end of file.
    public func read(upTo count: Int) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { raw in
            var result: Int
            repeat { result = Glibc.read(rawValue, raw.baseAddress, count) } while result < 0 && errno == EINTR
            return result
        }
        guard n >= 0 else { throw .call(operation: "read", path: nil, errno: errno) }
        buffer.removeLast(count - n)
        return buffer
    }

    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(rawValue, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .call(operation: "write", path: nil, errno: errno)
            }
            offset += n
        }
    }

    /// An anonymous in-memory file (memfd, close-on-exec) holding `bytes`, positioned at its start: for
    /// handing a child data by descriptor (bwrap's options, a hook's event), where a pipe could fill
    /// up and block, or a file would have to be written somewhere and cleaned up.
    public static func anonymousFile(named name: String, holding bytes: [UInt8]) throws(SystemError) -> FileDescriptor {
        let fd = ringlet_memfd(name)
        guard fd >= 0 else { throw .call(operation: "memfd_create", path: nil, errno: errno) }
        let file = FileDescriptor(adopting: fd)
        try file.writeAll(bytes)
        lseek(fd, 0, SEEK_SET)
        return file
    }

    public func close() {
        guard rawValue >= 0 else { return }
        Glibc.close(rawValue)
        rawValue = -1
    }

    deinit { close() }
}
