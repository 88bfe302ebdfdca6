import CRingletShim
import Glibc
import RingletSystem
import Synchronization
import Testing

/// The loop runs on a thread of its own here, as in the daemon; results come back through a Mutex and
/// are awaited with a generous deadline, so a loaded machine only makes the tests slower.
@Suite struct EventLoopTests {
    final class Harness: @unchecked Sendable {
        let loop: EventLoop
        let log = Mutex<[String]>([])
        init() throws {
            loop = try EventLoop()
            let loop = self.loop
            #expect(DetachedThread.start { loop.run() })
        }
        func note(_ entry: String) { log.withLock { $0.append(entry) } }
        func waitFor(_ count: Int) -> [String] {
            for _ in 0..<1000 {
                let entries = log.withLock { $0 }
                if entries.count >= count { return entries }
                usleep(10_000)
            }
            return log.withLock { $0 }
        }
        deinit { loop.stop() }
    }

    @Test func aReadableDescriptorReachesItsHandlerUntilDeregistered() throws {
        let harness = try Harness()
        var fds: [Int32] = [0, 0]
        #expect(ringlet_pipe_cloexec(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let reader = fds[0]
        harness.loop.execute {
            try? harness.loop.register(reader, interest: .readable) { events in
                var byte: UInt8 = 0
                let count = read(reader, &byte, 1)
                harness.note(events.contains(.readable) && count == 1 ? "read \(Character(UnicodeScalar(byte)))" : "other")
                if byte == UInt8(ascii: "b") { harness.loop.deregister(reader) }
            }
            harness.note("registered")
        }
        #expect(harness.waitFor(1) == ["registered"])
        #expect(write(fds[1], "ab", 2) == 2)
        #expect(harness.waitFor(3) == ["registered", "read a", "read b"])
        #expect(write(fds[1], "c", 1) == 1)
        usleep(100_000)
        #expect(harness.log.withLock { $0 } == ["registered", "read a", "read b"], "nothing after deregistering")
    }

    @Test func timersFireInDeadlineOrderAndACancelledOneNever() throws {
        let harness = try Harness()
        harness.loop.execute {
            harness.loop.schedule(after: .milliseconds(300)) { harness.note("late") }
            let cancelled = harness.loop.schedule(after: .milliseconds(100)) { harness.note("cancelled") }
            harness.loop.schedule(after: .milliseconds(50)) { harness.note("early") }
            harness.loop.schedule(after: .milliseconds(50)) { harness.note("early, second") }
            harness.loop.cancel(cancelled)
        }
        #expect(harness.waitFor(3) == ["early", "early, second", "late"])
    }

    @Test func workHandedOverFromManyThreadsAllRunsOnTheLoop() throws {
        let harness = try Harness()
        let counter = Mutex(0)
        for _ in 0..<8 {
            #expect(DetachedThread.start {
                for _ in 0..<100 { harness.loop.execute { counter.withLock { $0 += 1 }; harness.note("") } }
            })
        }
        #expect(harness.waitFor(800).count == 800)
        #expect(counter.withLock { $0 } == 800)
    }

    @Test func aHangupIsReportedWithoutBeingAskedFor() throws {
        let harness = try Harness()
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
        defer { close(fds[0]) }
        let watched = fds[0]
        harness.loop.execute {
            try? harness.loop.register(watched, interest: []) { events in
                harness.note(events.contains(.hangup) ? "hangup" : "other")
                harness.loop.deregister(watched)
            }
            harness.note("registered")
        }
        #expect(harness.waitFor(1) == ["registered"])
        close(fds[1])
        #expect(harness.waitFor(2) == ["registered", "hangup"])
    }
}
