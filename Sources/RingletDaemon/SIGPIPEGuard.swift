import Glibc

/// Keeps SIGPIPE from killing the daemon while OpenSSL writes: plain sends use MSG_NOSIGNAL, but
/// OpenSSL writes with write(2), and a client that vanishes mid-answer would raise the signal. It is
/// blocked on this thread for the call and a SIGPIPE the call raised is discarded, which leaves the
/// process's own signal handling as it was.
enum SIGPIPEGuard {
    static func run<Result>(_ body: () -> Result) -> Result {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previousMask)
        let wasPending = isPending()
        defer {
            // One pending from before belongs to someone else and is left alone.
            if !wasPending, isPending() {
                var noWait = timespec()
                _ = sigtimedwait(&pipeOnly, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        return body()
    }

    private static func isPending() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }
}
