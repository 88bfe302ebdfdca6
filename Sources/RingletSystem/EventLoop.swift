import CRingletShim
import Glibc
import Synchronization

/// A single-threaded readiness loop on epoll: descriptors with their handlers, one-shot timers, and work
/// handed over from other threads. Everything but `execute` and `stop` must be called on the loop's own
/// thread (from a handler, a timer, or a closure given to `execute`); that confinement is what lets
/// handlers keep their state in plain variables without locks. Readiness is level-triggered, so a
/// handler that reads only part of what is waiting is simply called again.
public final class EventLoop: @unchecked Sendable {
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: UInt32(RINGLET_EPOLL_IN))
        public static let writable = Events(rawValue: UInt32(RINGLET_EPOLL_OUT))
        /// The peer hung up or the descriptor failed; always reported, never asked for.
        public static let hangup = Events(rawValue: UInt32(RINGLET_EPOLL_HUP | RINGLET_EPOLL_RDHUP))
        public static let error = Events(rawValue: UInt32(RINGLET_EPOLL_ERR))
    }

    public typealias Handler = (Events) -> Void

    /// A scheduled timer, to cancel it.
    public struct Timer: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Registration {
        /// Told apart from an earlier registration of the same descriptor number, so an event
        /// reported for a descriptor closed earlier in the same batch never reaches its successor.
        let generation: UInt32
        let handler: Handler
    }

    private struct PendingTimer {
        let deadline: ContinuousClock.Instant
        let id: UInt64
        let body: () -> Void
    }

    private let epoll: Int32
    private let wakeup: Int32
    private var registrations: [Int32: Registration] = [:]
    private var nextGeneration: UInt32 = 0
    /// Sorted by deadline, soonest last, so the due ones come off the end.
    private var timers: [PendingTimer] = []
    private var nextTimer: UInt64 = 0
    private let handedOver = Mutex<[@Sendable () -> Void]>([])
    private let stopped = Atomic<Bool>(false)

    public init() throws(SystemError) {
        epoll = ringlet_epoll_create()
        guard epoll >= 0 else { throw .call(operation: "epoll_create1", path: nil, errno: errno) }
        wakeup = ringlet_eventfd()
        guard wakeup >= 0 else {
            let code = errno
            Glibc.close(epoll)
            throw .call(operation: "eventfd", path: nil, errno: code)
        }
        guard ringlet_epoll_control(epoll, 0, wakeup, UInt32(RINGLET_EPOLL_IN), UInt64(UInt32(bitPattern: wakeup))) == 0 else {
            let code = errno
            Glibc.close(wakeup)
            Glibc.close(epoll)
            throw .call(operation: "epoll_ctl", path: nil, errno: code)
        }
    }

    deinit {
        Glibc.close(wakeup)
        Glibc.close(epoll)
    }

    /// Calls `handler` whenever `fd` is ready for `interest`, or hung up, or failed. The descriptor stays
    /// the caller's: deregister it before closing it.
    public func register(_ fd: Int32, interest: Events, handler: @escaping Handler) throws(SystemError) {
        nextGeneration &+= 1
        let token = UInt64(nextGeneration) << 32 | UInt64(UInt32(bitPattern: fd))
        guard ringlet_epoll_control(epoll, 0, fd, interest.rawValue | UInt32(RINGLET_EPOLL_RDHUP), token) == 0 else {
            throw .call(operation: "epoll_ctl(add)", path: nil, errno: errno)
        }
        registrations[fd] = Registration(generation: nextGeneration, handler: handler)
    }

    /// Changes what `fd` is watched for (typically adding `.writable` while output is queued).
    public func modify(_ fd: Int32, interest: Events) {
        guard let registration = registrations[fd] else { return }
        let token = UInt64(registration.generation) << 32 | UInt64(UInt32(bitPattern: fd))
        _ = ringlet_epoll_control(epoll, 1, fd, interest.rawValue | UInt32(RINGLET_EPOLL_RDHUP), token)
    }

    /// Stops watching `fd`; call it before closing the descriptor.
    public func deregister(_ fd: Int32) {
        guard registrations.removeValue(forKey: fd) != nil else { return }
        _ = ringlet_epoll_control(epoll, 2, fd, 0, 0)
    }

    /// Runs `body` on the loop once `delay` has passed, unless cancelled first.
    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> Timer {
        nextTimer += 1
        let timer = PendingTimer(deadline: .now + delay, id: nextTimer, body: body)
        let index = timers.partitioningIndex { $0.deadline > timer.deadline }
        timers.insert(timer, at: index)
        return Timer(id: timer.id)
    }

    public func cancel(_ timer: Timer) {
        timers.removeAll { $0.id == timer.id }
    }

    /// Runs `body` on the loop thread soon; callable from any thread.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        handedOver.withLock { $0.append(body) }
        wake()
    }

    /// Makes `run` return after the current round; callable from any thread.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        wake()
    }

    /// Serves events on the calling thread until `stop`.
    public func run() {
        var ready = [ringlet_epoll_ready](repeating: ringlet_epoll_ready(), count: 64)
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let count = ready.withUnsafeMutableBufferPointer { buffer in
                ringlet_epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), waitMilliseconds())
            }
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: ready[index].token))
                let generation = UInt32(truncatingIfNeeded: ready[index].token >> 32)
                if fd == wakeup {
                    drainWakeup()
                    continue
                }
                guard let registration = registrations[fd], registration.generation == generation else { continue }
                registration.handler(Events(rawValue: ready[index].events))
            }
            runDueTimers()
            for body in handedOver.withLock({ queue in defer { queue.removeAll() }; return queue }) { body() }
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeup, &one, 8)
    }

    private func drainWakeup() {
        var value: UInt64 = 0
        _ = Glibc.read(wakeup, &value, 8)
    }

    private func waitMilliseconds() -> Int32 {
        if !handedOver.withLock({ $0.isEmpty }) { return 0 }
        guard let soonest = timers.last?.deadline else { return -1 }
        let remaining = ContinuousClock.now.duration(to: soonest)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        // Rounded up: waking a millisecond early would only spin.
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    private func runDueTimers() {
        let now = ContinuousClock.now
        while let timer = timers.last, timer.deadline <= now {
            timers.removeLast()
            timer.body()
        }
    }
}

private extension Array {
    /// The first index whose element fails `belongsFirst`, for an array where all that pass come first.
    func partitioningIndex(where belongsFirst: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsFirst(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
