import CRingletShim
import Glibc
import RingletSystem

/// A close-on-exec pipe standing in for the user's stdin or stdout when they are not terminals (a
/// script piping into `ringlet run`), so no child spawned by a parallel test keeps an end open.
struct TestPipe {
    let read: FileDescriptor
    let write: FileDescriptor

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(ringlet_pipe_cloexec(&fds) == 0, "pipe: \(SystemError.text(errno))")
        read = FileDescriptor(adopting: fds[0])
        write = FileDescriptor(adopting: fds[1])
    }
}
