import CRingletShim
import Glibc

/// Runs a program to completion with its output captured, without a shell and without `Foundation.Process`
/// (which would pull all of Foundation into the start-up path).
///
/// stdin is /dev/null so a child can never stall on a prompt; stdout and stderr are drained together
/// with poll(2) so a chatty child cannot deadlock on a full pipe.
public struct Subprocess {
    public struct Result: Sendable {
        /// The exit code, or 128 + signal number when the child was killed, as shells report it.
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]

        public init(status: Int32, stdout: [UInt8], stderr: [UInt8]) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public var program: String
    public var arguments: [String]
    public var workingDirectory: String?
    /// Variables added to (or replacing those of) the current environment.
    public var environment: [String: String]
    public var outputLimit: Int
    /// After this long the child is killed (SIGKILL) and the run fails with ETIMEDOUT; nil waits forever.
    public var timeout: Duration?
    /// Descriptors the child gets at fixed numbers (child number → this process's descriptor), such as
    /// a seccomp program for `bwrap --seccomp 3`.
    public var passing: [Int32: FileDescriptor] = [:]
    /// When false the child shares this process's stdin, stdout and stderr (an interactive run) and the
    /// result holds no output.
    public var capturesOutput = true
    /// A terminal (a pseudo-terminal's replica, /dev/pts/N) the child gets as stdin, stdout and stderr and as
    /// its controlling terminal, in a session of its own, so the terminal's signals (^C, window changes)
    /// reach it and nothing else. Output then goes to that terminal: `run()` captures nothing, whatever
    /// `capturesOutput` says.
    public var controllingTerminal: String?
    /// A session of its own (setsid) without a terminal: a background process that must outlive this one
    /// and not get its terminal's signals, such as a daemon's session host.
    public var newSession = false

    public init(_ program: String, _ arguments: [String], workingDirectory: String? = nil,
                environment: [String: String] = [:], outputLimit: Int = 64 << 20, timeout: Duration? = nil) {
        self.program = program
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.outputLimit = outputLimit
        self.timeout = timeout
    }

    /// Starts the child sharing this process's standard streams and returns at once; `wait(_:)` reaps it.
    public func start() throws(SystemError) -> pid_t {
        try spawn(stdout: nil, stderr: nil)
    }

    /// Starts the child with stdin from /dev/null and stdout and stderr into `output` (a log file) and
    /// returns at once; `wait(_:)` reaps it.
    public func start(output: FileDescriptor) throws(SystemError) -> pid_t {
        try spawn(stdout: output, stderr: output)
    }

    /// Waits for a child `start()` began; its status as `run()` reports it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public func run() throws(SystemError) -> Result {
        guard capturesOutput, controllingTerminal == nil else {
            return Result(status: Subprocess.wait(try start()), stdout: [], stderr: [])
        }
        let stdout = try Pipe()
        let stderr = try Pipe()
        let pid = try spawn(stdout: stdout.write, stderr: stderr.write)
        stdout.write.close()
        stderr.write.close()
        let (out, err, timedOut) = drain(stdout.read, stderr.read)
        stdout.read.close()
        stderr.read.close()
        if timedOut { kill(pid, SIGKILL) }
        let code = Subprocess.wait(pid)
        if timedOut { throw .call(operation: "run \(program) (no answer in time)", path: nil, errno: ETIMEDOUT) }
        return Result(status: code, stdout: out, stderr: err)
    }

    /// posix_spawn with the file actions and signal state every child gets; output goes to the given
    /// pipe ends (stdin from /dev/null), to the controlling terminal when there is one, or the child shares
    /// this process's streams when they are nil.
    private func spawn(stdout: FileDescriptor?, stderr: FileDescriptor?) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let controllingTerminal {
            // glibc runs setsid before the file actions, so the first open (no O_NOCTTY) makes the
            // terminal the new session's controlling terminal.
            for number: Int32 in 0 ... 2 {
                posix_spawn_file_actions_addopen(&actions, number, controllingTerminal, O_RDWR, 0)
            }
        } else if let stdout, let stderr {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, stdout.rawValue, 1)
            posix_spawn_file_actions_adddup2(&actions, stderr.rawValue, 2)
        }
        if let workingDirectory { ringlet_spawn_addchdir(&actions, workingDirectory) }
        // Each passed descriptor is first duplicated above every target number, so one dup2 in the child
        // can never overwrite a source another still needs (descriptor 6 moved to 3 after 6 was reused).
        let floor = Int32((passing.keys.max() ?? 2) + 1)
        var staged: [FileDescriptor] = []
        for (number, descriptor) in passing.sorted(by: { $0.key < $1.key }) {
            let copy = fcntl(descriptor.rawValue, F_DUPFD_CLOEXEC, max(floor, 10))
            guard copy >= 0 else { throw .call(operation: "pass a descriptor to", path: program, errno: errno) }
            staged.append(FileDescriptor(adopting: copy))
            posix_spawn_file_actions_adddup2(&actions, copy, number)
        }
        defer { staged.forEach { $0.close() } }

        // The child starts with no blocked signals and default handlers, whatever this thread masks
        // (the HTTP client blocks SIGPIPE, test runners block more).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let session = controllingTerminal == nil && !newSession ? 0 : ringlet_spawn_setsid_flag()
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | session)

        var pid = pid_t()
        let argv = [program] + arguments
        let spawnError = withCStrings(argv) { argvPointers in
            withCStrings(mergedEnvironment()) { envPointers in
                posix_spawnp(&pid, program, &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard spawnError == 0 else { throw .spawn(program: program, errno: spawnError) }
        return pid
    }

    private func mergedEnvironment() -> [String] {
        var merged = Environment.all()
        for (name, value) in environment { merged[name] = value }
        return merged.map { "\($0.key)=\($0.value)" }
    }

    /// Reads both pipes until the child closes them, or until the timeout passes (the third value).
    private func drain(_ first: FileDescriptor, _ second: FileDescriptor) -> ([UInt8], [UInt8], Bool) {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var outputs: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: first.rawValue, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: second.rawValue, events: Int16(POLLIN), revents: 0)]
        var open = 2
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while open > 0 {
            var wait: Int32 = -1
            if let deadline {
                let left = clock.now.duration(to: deadline)
                if left <= .zero { return (outputs[0], outputs[1], true) }
                wait = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            }
            guard poll(&fds, 2, wait) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            for index in 0 ..< 2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fds[index].fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    fds[index].fd = -1
                    open -= 1
                } else if outputs[index].count < outputLimit {
                    outputs[index].append(contentsOf: chunk[0 ..< min(n, outputLimit - outputs[index].count)])
                }
            }
        }
        return (outputs[0], outputs[1], false)
    }
}

/// Both ends of a close-on-exec pipe; the child sees only what `dup2` gives it.
private struct Pipe {
    let read: FileDescriptor
    let write: FileDescriptor

    init() throws(SystemError) {
        var fds: [Int32] = [-1, -1]
        guard ringlet_pipe_cloexec(&fds) == 0 else { throw .call(operation: "pipe", path: nil, errno: errno) }
        read = FileDescriptor(adopting: fds[0])
        write = FileDescriptor(adopting: fds[1])
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}
