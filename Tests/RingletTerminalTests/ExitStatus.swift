import Glibc

/// A child's exit status as `Subprocess.wait` reports it, waited for at most a minute: a child stuck
/// because the code under test broke is killed, so the test fails instead of hanging.
enum ExitStatus {
    static func of(_ pid: pid_t) -> Int32? {
        let deadline = ContinuousClock.now + .seconds(60)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if reaped < 0 && errno != EINTR { return nil }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return nil
            }
            usleep(10_000)
        }
    }
}
