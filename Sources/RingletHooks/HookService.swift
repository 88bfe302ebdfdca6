import CRingletShim
import Glibc
import RingletSystem
import Synchronization

/// The trusted side of hooks during a run: it accepts each tool event the in-sandbox dispatcher sends,
/// runs the profile's hooks on the host, records the verdict, and answers allow or deny.
///
/// The dispatcher inside the sandbox only carries the event; the hooks, their verdict and the record
/// stay where the agent cannot reach them. Framing, both ways: a 4-byte big-endian length, then the
/// bytes; the answer's first byte is 1 (allow) or 0 (deny), the rest the reason.
public final class HookService: Sendable {
    public static let port: UInt16 = 3129
    static let maximumEvent = 4 << 20

    private let runner: HookRunner
    private let log: HookDecisionLog?
    /// The listener's raw number while it is served, so `stop()` can wake the accept loop.
    private let listening = Mutex<Int32?>(nil)

    public init(runner: HookRunner, log: HookDecisionLog?) {
        self.runner = runner
        self.log = log
    }

    /// Serves `listener` on a thread of its own until the listener is shut down; owns and closes it.
    public func serve(_ listener: FileDescriptor) {
        let handoff = Owned(listener)
        listening.withLock { $0 = listener.rawValue }
        DetachedThread.start { [self] in
            let listener = handoff.descriptor
            defer {
                listening.withLock { raw in
                    raw = nil
                    listener.close()
                }
            }
            while true {
                let fd = ringlet_accept_cloexec(listener.rawValue)
                if fd < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                let client = Owned(FileDescriptor(adopting: fd))
                DetachedThread.start { [self] in
                    defer { client.descriptor.close() }
                    answer(client.descriptor)
                }
            }
        }
    }

    /// A listener on 127.0.0.1 (`port` 0: any free one) and the port it got, for a service outside a
    /// sandbox (a run without one, a benchmark, a test).
    public static func listenOnLoopback(port: UInt16 = 0) throws(HookError) -> (listener: FileDescriptor, port: UInt16) {
        guard let (listener, fd) = Self.loopbackSocket() else { throw .io("socket: \(SystemError.text(errno))") }
        var address = Self.loopback(port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 128) == 0 else { throw .io("cannot listen on 127.0.0.1:\(port): \(SystemError.text(errno))") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (listener, UInt16(bigEndian: address.sin_port))
    }

    /// A TCP socket (close-on-exec) and its raw number for the calls that take one; nil with errno set.
    static func loopbackSocket() -> (FileDescriptor, Int32)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        return fd >= 0 ? (FileDescriptor(adopting: fd), fd) : nil
    }

    /// 127.0.0.1:`port`.
    static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    /// Stops accepting; a call being judged finishes.
    public func stop() {
        listening.withLock { raw in
            if let raw { shutdown(raw, Int32(SHUT_RDWR)) }
        }
    }

    private func answer(_ client: FileDescriptor) {
        guard let request = try? HookFrame.read(client, limit: Self.maximumEvent) else { return }
        let verdict: HookVerdict
        let event: ToolEvent
        do throws(HookError) {
            event = try ToolEvent(parsing: request)
            verdict = runner.evaluate(event)
        } catch {
            try? HookFrame.write([0] + Array("ringlet: \(error)".utf8), to: client)
            return
        }
        log?.record(event, verdict, runner: runner)
        try? HookFrame.write([verdict.allowed ? 1 : 0] + Array(verdict.reason.utf8), to: client)
    }
}

/// A descriptor handed to exactly one thread, which owns it from then on.
final class Owned: @unchecked Sendable {
    let descriptor: FileDescriptor
    init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
}

/// Length-prefixed messages on a stream.
enum HookFrame {
    static func write(_ bytes: [UInt8], to fd: FileDescriptor) throws(SystemError) {
        let count = UInt32(bytes.count)
        try fd.writeAll([UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)] + bytes)
    }

    static func read(_ fd: FileDescriptor, limit: Int) throws(SystemError) -> [UInt8]? {
        guard let header = try exactly(4, from: fd) else { return nil }
        let count = header.reduce(0) { $0 << 8 | Int($1) }
        guard count <= limit else { return nil }
        return try exactly(count, from: fd)
    }

    private static func exactly(_ count: Int, from fd: FileDescriptor) throws(SystemError) -> [UInt8]? {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try fd.read(upTo: min(count - bytes.count, 1 << 16))
            if chunk.isEmpty { return nil }
            bytes += chunk
        }
        return bytes
    }
}
