import RingletDaemon
import Synchronization
import Testing

@Suite struct RequestAuthenticatorTests {
    let token = DaemonToken(String(repeating: "ab", count: 32))

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
        var now: @Sendable () -> ContinuousClock.Instant { { self.start + self.offset.withLock { $0 } } }
    }

    private func headers(_ fields: [(String, String)]) -> HTTPHeaders {
        HTTPHeaders([("Host", "127.0.0.1:8765")] + fields.map { (name: $0.0, value: $0.1) })
    }

    private func status(_ decision: AuthenticationDecision) -> Int? {
        if case let .refused(status, _) = decision { return status }
        return nil
    }

    @Test func theBearerHeaderAuthenticatesAndSaysWhichToken() {
        let authenticator = RequestAuthenticator()
        let decision = authenticator.authenticate(token: token, headers: headers([("Authorization", "Bearer \(token.value)")]),
                                                  isUpgrade: false, clientIP: "127.0.0.1")
        #expect(decision == .allowed(token: token, subprotocol: nil))
        let lowercase = authenticator.authenticate(token: token, headers: headers([("authorization", "bearer \(token.value)")]),
                                                   isUpgrade: false, clientIP: "127.0.0.1")
        #expect(lowercase == .allowed(token: token, subprotocol: nil))
    }

    @Test func aMissingOrWrongTokenIs401() {
        let authenticator = RequestAuthenticator()
        let missing = authenticator.authenticate(token: token, headers: headers([]), isUpgrade: false, clientIP: "127.0.0.1")
        #expect(status(missing) == 401)
        #expect(missing.response?.headers["WWW-Authenticate"] != nil)
        for offer in ["Bearer wrong", "Bearer \(token.value)x", "Basic \(token.value)", token.value] {
            let decision = authenticator.authenticate(token: token, headers: headers([("Authorization", offer)]), isUpgrade: false, clientIP: "127.0.0.1")
            #expect(status(decision) == 401, "\(offer)")
        }
    }

    @Test func aTokenInTheQueryIsRefusedEvenWhenRight() {
        let authenticator = RequestAuthenticator()
        for name in ["token", "access_token"] {
            let decision = authenticator.authenticate(token: token, headers: headers([("Authorization", "Bearer \(token.value)")]),
                                                      queryItems: [(name, token.value)], isUpgrade: false, clientIP: "127.0.0.1")
            guard case let .refused(status, message) = decision else {
                Issue.record("a query token was accepted")
                continue
            }
            #expect(status == 401)
            #expect(message.contains("Authorization"))
        }
    }

    @Test func anUpgradeCarriesTheTokenAsASubprotocolAndSelectsRingletV1() {
        let authenticator = RequestAuthenticator()
        let offer = headers([("Sec-WebSocket-Protocol", "ringlet.v1, bearer.\(token.value)")])
        #expect(authenticator.authenticate(token: token, headers: offer, isUpgrade: true, clientIP: "::1")
            == .allowed(token: token, subprotocol: "ringlet.v1"))
        let viaHeader = headers([("Sec-WebSocket-Protocol", "ringlet.v1"), ("Authorization", "Bearer \(token.value)")])
        #expect(authenticator.authenticate(token: token, headers: viaHeader, isUpgrade: true, clientIP: "::1")
            == .allowed(token: token, subprotocol: "ringlet.v1"))
        let withoutRinglet = headers([("Sec-WebSocket-Protocol", "bearer.\(token.value)")])
        #expect(status(authenticator.authenticate(token: token, headers: withoutRinglet, isUpgrade: true, clientIP: "::1")) == 400)
        let wrong = headers([("Sec-WebSocket-Protocol", "ringlet.v1, bearer.nope")])
        #expect(status(authenticator.authenticate(token: token, headers: wrong, isUpgrade: true, clientIP: "::1")) == 401)
        let plainRequestWithSubprotocol = headers([("Sec-WebSocket-Protocol", "ringlet.v1, bearer.\(token.value)")])
        #expect(status(authenticator.authenticate(token: token, headers: plainRequestWithSubprotocol, isUpgrade: false, clientIP: "::1")) == 401,
                "only upgrades may carry the token as a subprotocol")
    }

    @Test func tenFailuresLockTheAddressOutForAMinute() {
        let clock = Clock()
        let authenticator = RequestAuthenticator(now: clock.now)
        let good = headers([("Authorization", "Bearer \(token.value)")])
        let bad = headers([("Authorization", "Bearer guess")])
        for _ in 0..<9 {
            #expect(status(authenticator.authenticate(token: token, headers: bad, isUpgrade: false, clientIP: "10.0.0.1")) == 401)
        }
        #expect(authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.1") == .allowed(token: token, subprotocol: nil))
        #expect(status(authenticator.authenticate(token: token, headers: bad, isUpgrade: false, clientIP: "10.0.0.1")) == 401)
        let locked = authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.1")
        #expect(status(locked) == 429, "even the right token")
        #expect(locked.response?.headers["Retry-After"] == "60")
        #expect(authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.2") == .allowed(token: token, subprotocol: nil),
                "other addresses are not affected")
        clock.advance(.seconds(59))
        #expect(status(authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.1")) == 429)
        clock.advance(.seconds(2))
        #expect(authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.1") == .allowed(token: token, subprotocol: nil))
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() {
        let clock = Clock()
        let authenticator = RequestAuthenticator(now: clock.now)
        let bad = headers([("Authorization", "Bearer guess")])
        let good = headers([("Authorization", "Bearer \(token.value)")])
        for _ in 0..<20 {
            _ = authenticator.authenticate(token: token, headers: bad, isUpgrade: false, clientIP: "10.0.0.1")
            clock.advance(.seconds(7))
        }
        #expect(authenticator.authenticate(token: token, headers: good, isUpgrade: false, clientIP: "10.0.0.1") == .allowed(token: token, subprotocol: nil))
    }

    @Test func aForeignOriginIs403() {
        let authenticator = RequestAuthenticator(allowedOrigins: ["http://localhost:5173"])
        let auth = ("Authorization", "Bearer \(token.value)")
        func decide(origin: String, host: String = "127.0.0.1:8765") -> AuthenticationDecision {
            authenticator.authenticate(token: token, headers: HTTPHeaders([("Host", host), ("Origin", origin), auth]),
                                       isUpgrade: false, clientIP: "127.0.0.1")
        }
        #expect(decide(origin: "http://127.0.0.1:8765") == .allowed(token: token, subprotocol: nil))
        #expect(decide(origin: "https://LOCALHOST", host: "localhost:443") == .allowed(token: token, subprotocol: nil))
        #expect(decide(origin: "http://localhost:5173") == .allowed(token: token, subprotocol: nil))
        for origin in ["http://127.0.0.1:8766", "http://evil.example", "null", "http://127.0.0.1:8765/x", "file://"] {
            guard case let .refused(status, message) = decide(origin: origin) else {
                Issue.record("\(origin) was allowed")
                continue
            }
            #expect(status == 403 && message.contains("foreign Origin"), "\(origin)")
        }
    }
}
