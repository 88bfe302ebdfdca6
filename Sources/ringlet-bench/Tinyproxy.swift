import Glibc
import RingletSystem

/// Debian's tinyproxy, configured to allow CONNECT to the benchmark's upstream ports, started in the
/// foreground and stopped at the end; nil when it is not installed.
struct Tinyproxy {
    let port: Int
    let pid: pid_t
    let folder: String

    init?(connectPorts: [Int]) {
        let candidates = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"]
        guard let binary = candidates.first(where: { FileStatus.of($0).exists }) else { return nil }
        folder = "/tmp/ringlet-bench-tinyproxy-\(getpid())"
        port = 20000 + Int(getpid() % 20000)
        let config = """
        Port \(port)
        Listen 127.0.0.1
        Timeout 600
        MaxClients 200
        LogLevel Critical
        Allow 127.0.0.1
        \(connectPorts.map { "ConnectPort \($0)" }.joined(separator: "\n"))
        """
        do {
            try Directory.create(folder)
            try AtomicFile.write(config + "\n", to: folder + "/tinyproxy.conf")
            let result = try Subprocess("sh", ["-c", "\(binary) -d -c \(folder)/tinyproxy.conf >/dev/null 2>&1 & echo $!"]).run()
            guard let pid = pid_t(result.stdoutText.trimmingWhitespace) else { return nil }
            self.pid = pid
            peerProcesses.append(pid)
        } catch {
            return nil
        }
        for _ in 0 ..< 200 {
            if tryConnect(port) { return }
            usleep(20_000)
        }
        kill(pid, SIGTERM)
        return nil
    }

    func stop() {
        kill(pid, SIGTERM)
        try? Directory.removeTree(folder)
    }
}

func tryConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A blocking connection to a loopback port, for benchmark clients.
func connectLoopback(_ port: Int) -> FileDescriptor {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else { fail("cannot connect to 127.0.0.1:\(port): \(SystemError.text(errno))") }
    return FileDescriptor(adopting: fd)
}
