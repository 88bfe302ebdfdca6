import Glibc

/// An exclusive advisory lock on a file (flock), held until `unlock()` or deinit, so two `ringlet`
/// processes never update the same cache entry at once.
public final class FileLock {
    private let descriptor: FileDescriptor

    public init(_ path: String) throws(SystemError) {
        descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT, mode: 0o600, operation: "lock")
        while flock(descriptor.rawValue, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .call(operation: "lock", path: path, errno: errno) }
        }
    }

    public func unlock() {
        descriptor.close()
    }
}
