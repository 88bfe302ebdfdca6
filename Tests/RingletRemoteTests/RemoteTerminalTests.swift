import Foundation
import Glibc
import RingletRemote
import RingletTestSupport
import Synchronization
import Testing

/// The attach loop with pipes for stdin and stdout (no raw mode): keys reach the session, output comes
/// back, and the detach key, the end of input and the agent's exit each end it as documented.
@Suite(.serialized) struct RemoteTerminalTests {
    /// A pipe whose ends the test closes as it goes; each end is closed exactly once.
    final class Pipe: @unchecked Sendable {
        var read: Int32
        var write: Int32

        init() throws {
            var fds: [Int32] = [-1, -1]
            try #require(pipe(&fds) == 0)
            (read, write) = (fds[0], fds[1])
        }

        func send(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { Glibc.write(write, $0.baseAddress, $0.count) }
        }

        func closeWrite() {
            if write >= 0 { close(write) }
            write = -1
        }

        func closeRead() {
            if read >= 0 { close(read) }
            read = -1
        }

        /// What is in the pipe now, without waiting.
        func drain() -> String {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                var entry = pollfd(fd: read, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 0) > 0 else { break }
                let count = chunk.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                bytes += chunk[..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        deinit {
            closeWrite()
            closeRead()
        }
    }

    /// Runs `attach` on a thread of its own (it blocks) and returns how it ended, within 10 s.
    final class Attach: @unchecked Sendable {
        let result = Mutex<Result<AttachOutcome, RemoteError>?>(nil)

        init(_ client: WebSocketClient, input: Pipe, output: Pipe, status: Pipe) {
            let terminal = RemoteTerminal(input: input.read, output: output.write, status: status.write)
            // Handed to the thread and used only there from now on.
            nonisolated(unsafe) let client = client
            Thread { [self] in
                let outcome = Result { () throws(RemoteError) in try terminal.attach(client) }
                result.withLock { $0 = outcome }
            }.start()
        }

        func wait() throws -> AttachOutcome {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let outcome = result.withLock({ $0 }) { return try outcome.get() }
                usleep(10_000)
            }
            throw RemoteError.terminal("attach did not return within 10 s")
        }
    }

    /// Collects `pipe`'s output until it contains `text`, within 10 s.
    static func read(_ pipe: Pipe, until text: String, into sofar: inout String) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            sofar += pipe.drain()
            if sofar.contains(text) { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func keysGoOutOutputComesBackAndTheDetachKeyLeaves() throws {
        let server = try DaemonDouble.start()
        let api = try DaemonDouble.api(server)
        let (input, output, status) = (try Pipe(), try Pipe(), try Pipe())
        let attach = Attach(try api.attach(DaemonDouble.seededSession), input: input, output: output, status: status)
        var shown = ""
        #expect(Self.read(output, until: "[pong hi]", into: &shown))
        input.send("echo hi\r\u{1c}\u{1c}")
        #expect(Self.read(output, until: "echo hi\r\u{1c}", into: &shown), "\(shown)")
        input.send("\u{1c}d")
        #expect(try attach.wait() == .detached)
        shown += output.drain()
        #expect(shown.hasPrefix("replayed output\r\n"), "\(shown)")
        #expect(!shown.contains("\u{1c}\u{1c}") && !shown.contains("d["))
        #expect(status.drain() == "ringlet: attached to \(DaemonDouble.seededSession)\n")
        #expect(try api.session(DaemonDouble.seededSession).state == "running")
    }

    @Test func theEndOfInputDetaches() throws {
        let server = try DaemonDouble.start()
        let (input, output, status) = (try Pipe(), try Pipe(), try Pipe())
        let attach = Attach(try DaemonDouble.api(server).attach(DaemonDouble.seededSession), input: input, output: output, status: status)
        input.closeWrite()
        #expect(try attach.wait() == .detached)
    }

    @Test func theAgentsExitCodeIsReturned() throws {
        let server = try DaemonDouble.start()
        let (input, output, status) = (try Pipe(), try Pipe(), try Pipe())
        let attach = Attach(try DaemonDouble.api(server).attach(DaemonDouble.seededSession), input: input, output: output, status: status)
        var shown = ""
        #expect(Self.read(output, until: "[pong hi]", into: &shown))
        input.send("exit 42")
        #expect(try attach.wait() == .exited(code: 42))
    }

    @Test func aClosedOutputDoesNotStopTheSession() throws {
        let server = try DaemonDouble.start()
        let (input, output, status) = (try Pipe(), try Pipe(), try Pipe())
        output.closeRead()
        let attach = Attach(try DaemonDouble.api(server).attach(DaemonDouble.seededSession), input: input, output: output, status: status)
        usleep(200_000)
        input.send("exit 5")
        #expect(try attach.wait() == .exited(code: 5))
    }
}
