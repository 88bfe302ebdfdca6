import Glibc
import RingletSystem

/// The dispatcher's side: hands a tool event to the run's hook service and returns its verdict.
public enum HookClient {
    /// Asks the service on 127.0.0.1:`port`; (allowed, reason).
    public static func ask(_ event: [UInt8], port: UInt16 = HookService.port) throws(HookError) -> (allowed: Bool, reason: String) {
        guard let (connection, fd) = HookService.loopbackSocket() else { throw .unreachable("socket: \(SystemError.text(errno))") }
        var address = HookService.loopback(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw .unreachable("127.0.0.1:\(port): \(SystemError.text(errno))") }
        let answer: [UInt8]?
        do throws(SystemError) {
            try HookFrame.write(event, to: connection)
            answer = try HookFrame.read(connection, limit: 1 << 20)
        } catch {
            throw .unreachable(error.description)
        }
        guard let answer, let verdict = answer.first else { throw .unreachable("the service closed the connection without a verdict") }
        return (verdict == 1, String(decoding: answer.dropFirst(), as: UTF8.self))
    }
}
