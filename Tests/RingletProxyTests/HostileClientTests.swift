import Foundation
import RingletProxy
import RingletTestSupport
import Testing

/// Clients that send too much, too little, or open too many connections: each is cut off on its own
/// bounds, and the proxy keeps serving everyone else.
@Suite struct HostileClientTests {
    /// Ten megabytes of one kind of garbage; the bytes are made when the test runs (and are not part of its name).
    struct Flood: CustomTestStringConvertible, Sendable {
        var name: String
        var statuses: Set<Int>
        var make: @Sendable () -> [UInt8]
        var testDescription: String { name }

        static let size = 10 << 20

        static func repeating(_ text: String) -> [UInt8] {
            Array(String(repeating: text, count: size / text.utf8.count + 1).utf8.prefix(size))
        }

        static let all: [Flood] = [
            Flood(name: "no line end at all", statuses: [431]) { [UInt8](repeating: UInt8(ascii: "A"), count: size) },
            Flood(name: "one endless header line", statuses: [431]) {
                Array("GET http://web.test/ HTTP/1.1\r\nX-Long: ".utf8) + [UInt8](repeating: UInt8(ascii: "b"), count: size)
            },
            Flood(name: "endless headers", statuses: [431]) { Array("GET http://web.test/ HTTP/1.1\r\n".utf8) + repeating("X-A: b\r\n") },
            Flood(name: "pipelined requests with control bytes", statuses: [400]) { repeating("\u{1}\u{2}\u{7f} / HTTP/1.1\r\n\r\n") },
            Flood(name: "pipelined requests for a denied host", statuses: [403]) {
                repeating("GET http://evil.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n")
            },
            Flood(name: "random bytes", statuses: [400, 431]) { randomBytes(count: size) },
        ]

        /// Deterministic noise (a fixed-seed xorshift), so a failure replays.
        static func randomBytes(count: Int) -> [UInt8] {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var bytes = [UInt8](repeating: 0, count: count)
            for index in bytes.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                bytes[index] = UInt8(truncatingIfNeeded: state)
            }
            return bytes
        }
    }

    @Test(arguments: Flood.all)
    func tenMegabytesOfGarbageGetA4xxQuicklyAndTheProxyServesTheNextClient(_ flood: Flood) throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(headTimeout: .seconds(20)))
        let bytes = flood.make()
        let clock = ContinuousClock()
        let started = clock.now
        let (answer, _) = try world.proxy.client().flood(bytes)
        let elapsed = clock.now - started
        let response = try #require(RawResponse(answer), "\(flood.name): no answer, got \(answer.count) bytes")
        #expect(flood.statuses.contains(response.status), "\(flood.name): \(response)")
        #expect(response.headers["x-ringlet-deny"] != nil)
        #expect(elapsed < .seconds(15), "\(flood.name): answered well before the head timeout, took \(elapsed)")
        #expect(world.proxy.decisions(atLeast: 1).count == 1, "one decision per connection, not per pipelined request")
        #expect(world.proxy.resolver.queries.isEmpty)
        try world.servesAnotherClient()
    }

    @Test func aClientThatNeverSendsAByteIsDroppedAfterTheHeadTimeout() throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(headTimeout: .seconds(1)))
        let silent = try world.proxy.client()
        let clock = ContinuousClock()
        let started = clock.now
        try world.servesAnotherClient()
        let (bytes, ended) = silent.readToEnd(timeout: .seconds(60))
        let elapsed = clock.now - started
        #expect(ended, "the proxy hung up")
        #expect(bytes.isEmpty, "nothing to answer to: \(String(decoding: bytes, as: UTF8.self))")
        #expect(elapsed >= .milliseconds(900), "not before the head timeout: \(elapsed)")
        #expect(elapsed < .seconds(30), "within a generous bound of it: \(elapsed)")
    }

    @Test func silentClientsDoNotBlockOthersServedMeanwhile() throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(headTimeout: .seconds(120)))
        let silent = try (0 ..< 20).map { _ in try world.proxy.client() }
        let half = try world.proxy.client()
        half.send("GET http://web.test:\(world.echo.port)/ HTTP/1.1\r\nHost: web")
        try world.servesAnotherClient()
        try world.servesAnotherClient()
        #expect(silent.allSatisfy(\.peerStillOpen) && half.peerStillOpen, "the quiet ones are still waiting on their own clocks")
        silent.forEach { $0.close() }
        half.close()
    }

    @Test func aHeadThatNeverEndsGets408AtTheHeadTimeout() throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(headTimeout: .seconds(1)))
        let slow = try world.proxy.client()
        slow.send("GET http://web.test:\(world.echo.port)/ HTTP/1.1\r\nHost: web.test\r\n")
        let clock = ContinuousClock()
        let started = clock.now
        let response = try #require(RawResponse(slow.readToEnd(timeout: .seconds(60)).bytes))
        #expect(clock.now - started < .seconds(30))
        #expect(response.status == 408 && response.headers["x-ringlet-deny"] == "head-timeout", "\(response)")
        #expect(try world.proxy.onlyDecision().rule == "head-timeout")
        #expect(world.proxy.resolver.queries.isEmpty)
    }

    @Test func anIdleTunnelIsClosedAfterTheIdleTimeoutAndABusyOneAtTheTotalTimeout() throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(idleTimeout: .seconds(3), totalTimeout: .seconds(6)))
        let clock = ContinuousClock()
        var tunnels: [RawClient] = []
        for _ in 0 ..< 2 {
            let tunnel = try world.proxy.client()
            tunnel.send("CONNECT web.test:\(world.echo.port) HTTP/1.1\r\n\r\n")
            #expect(tunnel.readHead()?.head.hasPrefix("HTTP/1.1 200") == true)
            tunnels.append(tunnel)
        }
        let (idle, busy) = (tunnels[0], tunnels[1])
        let started = clock.now
        busy.send("GET /slow HTTP/1.1\r\n")
        // The busy tunnel trickles a header line every 100 ms (never idle); the idle one says nothing.
        var idleEnded: Duration?
        while busy.peerStillOpen && clock.now - started < .seconds(60) {
            busy.send("X-Trickle: 1\r\n")
            if idleEnded == nil && !idle.peerStillOpen { idleEnded = clock.now - started }
            usleep(100_000)
        }
        let busyEnded = clock.now - started
        let idleAt = try #require(idleEnded, "the idle tunnel was closed")
        #expect(idleAt >= .milliseconds(2900) && idleAt < .seconds(30), "idle tunnel closed after \(idleAt)")
        #expect(busyEnded >= .seconds(4) && busyEnded < .seconds(40), "busy tunnel closed after \(busyEnded)")
        #expect(world.proxy.decisions(atLeast: 2).allSatisfy { $0.verdict == .allowed })
    }

    @Test func aSessionAtItsConnectionLimitGets503WhileOtherSessionsAreServed() throws {
        let world = try EchoBehindProxy(limits: ProxyLimits(headTimeout: .seconds(120), connectionsPerSession: 2))
        let first = try world.proxy.client(), second = try world.proxy.client()
        // Acceptor threads race: only once both are counted is the third the one over the limit.
        let deadline = ContinuousClock.now + .seconds(60)
        while world.proxy.session.openConnections < 2 && ContinuousClock.now < deadline { usleep(5_000) }
        let third = try world.proxy.client()
        let refused = try #require(RawResponse(third.readToEnd().bytes))
        #expect(refused.status == 503, "\(refused)")
        #expect(refused.headers["x-ringlet-deny"] == "too-many-connections")
        #expect(refused.body.contains(world.proxy.session.id), "\(refused.body)")

        // Another session on the same server has its own count.
        let other = ProxySession(id: "other-session", allow: try Patterns.parse(["web.test:\(world.echo.port)"]))
        let otherPort = try world.proxy.server.serve(other, port: 0)
        let result = try Curl.run(["-x", "http://127.0.0.1:\(otherPort)", "--fail", "http://web.test:\(world.echo.port)/other"])
        #expect(result.status == 0, "\(result)")

        // Once a connection ends, the session is served again.
        first.close()
        let servedAgain = try eventually {
            let response = try world.proxy.client().exchange("GET http://web.test:\(world.echo.port)/again HTTP/1.1\r\n\r\n")
            return response?.status == 200
        }
        #expect(servedAgain)
        second.close()
    }
}
