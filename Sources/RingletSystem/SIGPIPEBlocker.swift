import Glibc

/// Keeps SIGPIPE away from the calling thread while `body` runs. Plain sockets avoid it with
/// MSG_NOSIGNAL, but OpenSSL writes with write(2), and a peer that closes early would otherwise kill
/// the whole process (the CLI, or the daemon serving everyone). Blocking the signal in this thread and
/// discarding one it raised leaves the process's signal handling as it was.
public enum SIGPIPEBlocker {
    public static func run<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previousMask)
        let wasPending = isPending()
        defer {
            // A SIGPIPE pending from before belongs to someone else and is left alone.
            if !wasPending, isPending() {
                var noWait = timespec()
                _ = sigtimedwait(&pipeOnly, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        return try body()
    }

    private static func isPending() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }
}
