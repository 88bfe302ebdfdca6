import Glibc

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT taken by a thread of their own and handed to a handler.
///
/// A supervisor killed by the default action would leave its sandbox's cgroup, placeholders and
/// socket behind (and a terminal in raw mode); with the signals blocked everywhere and waited for on
/// one thread, it passes them on to what it runs and cleans up when that ends.
public enum TerminationSignals {
    public static let numbers: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT]

    /// Blocks the signals in the calling thread — call it before any other thread starts, since threads
    /// inherit the mask and a signal goes to any thread that does not block it — and starts the waiter.
    public static func forward(to handler: @escaping @Sendable (Int32) -> Void) {
        var set = Self.set()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        DetachedThread.start(stackSize: 64 << 10) {
            var waited = Self.set()
            while true {
                var signal: Int32 = 0
                if sigwait(&waited, &signal) == 0 { handler(signal) }
            }
        }
    }

    private static func set() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        return set
    }
}
