import Synchronization

/// Decides whether a request may reach the daemon, as pure logic over its headers so every rule
/// is unit-tested without sockets. The rules follow from who the daemon must keep out: other local
/// users and processes (the bearer token, compared in constant time), web pages the user happens
/// to visit (the Origin check, since browsers attach no token but do send Origin), token leaks
/// (a token in a URL ends up in logs and history, so it is refused even when right) and guessing
/// (failures are counted per client IP and lock that IP out for a while). Browsers cannot set
/// headers on a WebSocket, so upgrades may carry the token as a `bearer.<token>` subprotocol
/// next to `ringlet.v1`, which is always the one selected so the token is never echoed back.
/// Failure counts live behind a mutex, so one authenticator may serve any thread.
public final class RequestAuthenticator: Sendable {
    public static let subprotocol = "ringlet.v1"
    static let bearerPrefix = "bearer."

    public struct RateLimit: Sendable {
        /// This many failures within `window` lock the client IP out for `lockout`.
        public var maxFailures = 10
        public var window: Duration = .seconds(60)
        public var lockout: Duration = .seconds(60)

        public init() {}
    }

    private struct Failures {
        var times: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
    }

    private let allowedOrigins: Set<String>
    private let rateLimit: RateLimit
    private let now: @Sendable () -> ContinuousClock.Instant
    private let failures = Mutex<[String: Failures]>([:])

    /// `allowedOrigins` are full origins (`http://localhost:5173`) a browser page may call from besides
    /// the daemon's own; `now` is injectable so tests can move time.
    public init(allowedOrigins: Set<String> = [], rateLimit: RateLimit = RateLimit(),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.allowedOrigins = Set(allowedOrigins.map { $0.lowercased() })
        self.rateLimit = rateLimit
        self.now = now
    }

    public func authenticate(_ request: HTTPRequest, token: DaemonToken) -> AuthenticationDecision {
        authenticate(token: token, headers: request.headers, queryItems: request.queryItems,
                     isUpgrade: request.isWebSocketUpgrade, clientIP: request.clientIP)
    }

    public func authenticate(token: DaemonToken, headers: HTTPHeaders, queryItems: [(name: String, value: String)] = [],
                             isUpgrade: Bool, clientIP: String) -> AuthenticationDecision {
        let moment = now()
        if isLockedOut(clientIP, at: moment) {
            return .refused(status: 429, message: "too many failed attempts from \(clientIP); wait a minute and check the token")
        }
        for origin in headers.values("origin") where !isAllowed(origin: origin, host: headers["host"]) {
            return .refused(status: 403, message: "foreign Origin \(origin): the daemon only answers pages it serves itself")
        }
        if queryItems.contains(where: { $0.name == "token" || $0.name == "access_token" }) {
            return .refused(status: 401, message: "a token in the URL is refused because URLs end up in logs; send it in the Authorization: Bearer header")
        }
        var offered: [String] = []
        for value in headers.values("authorization") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { offered.append(String(parts[1]).trimmingHTTPWhitespace) }
        }
        if isUpgrade {
            let protocols = headers.tokens("sec-websocket-protocol")
            guard protocols.contains(Self.subprotocol) else {
                return .refused(status: 400, message: "offer the WebSocket subprotocol \(Self.subprotocol) (and bearer.<token>)")
            }
            offered += protocols.filter { $0.hasPrefix(Self.bearerPrefix) }.map { String($0.dropFirst(Self.bearerPrefix.count)) }
        }
        guard !offered.isEmpty else {
            let place = isUpgrade ? "a bearer.<token> WebSocket subprotocol or an Authorization: Bearer header" : "an Authorization: Bearer header"
            return .refused(status: 401, message: "the request has no token; send the daemon token (ringlet daemon token) in \(place)")
        }
        // Every offer is compared, so the time taken does not depend on which one was right.
        var matched = false
        for candidate in offered where token.matches(candidate) { matched = true }
        guard matched else {
            recordFailure(clientIP, at: moment)
            return .refused(status: 401, message: "the token is wrong or was rotated; get the current one with ringlet daemon token")
        }
        return .allowed(token: token, subprotocol: isUpgrade ? Self.subprotocol : nil)
    }

    private func isLockedOut(_ ip: String, at moment: ContinuousClock.Instant) -> Bool {
        failures.withLock { table in
            guard let until = table[ip]?.lockedUntil else { return false }
            if moment < until { return true }
            table[ip] = nil
            return false
        }
    }

    private func recordFailure(_ ip: String, at moment: ContinuousClock.Instant) {
        failures.withLock { table in
            // Forgotten clients are dropped now and then, so spoofed-looking traffic cannot grow the table forever.
            if table.count > 4096 {
                table = table.filter { _, entry in
                    entry.lockedUntil.map { moment < $0 } ?? entry.times.contains { $0.duration(to: moment) < rateLimit.window }
                }
            }
            var entry = table[ip] ?? Failures()
            entry.times = entry.times.filter { $0.duration(to: moment) < rateLimit.window } + [moment]
            if entry.times.count >= rateLimit.maxFailures {
                entry.lockedUntil = moment + rateLimit.lockout
                entry.times = []
            }
            table[ip] = entry
        }
    }

    /// Same-origin means the Origin's host and port are the Host the request was sent to.
    private func isAllowed(origin: String, host: String?) -> Bool {
        if allowedOrigins.contains(origin.lowercased()) { return true }
        guard let host, let (scheme, authority) = Self.split(origin: origin) else { return false }
        let defaultPort = scheme == "https" ? "443" : "80"
        return Self.normalized(authority, defaultPort: defaultPort) == Self.normalized(host, defaultPort: defaultPort)
    }

    private static func split(origin: String) -> (scheme: String, authority: String)? {
        let lowered = origin.lowercased()
        for scheme in ["http", "https"] where lowered.hasPrefix(scheme + "://") {
            let authority = String(lowered.dropFirst(scheme.count + 3))
            guard !authority.isEmpty, !authority.contains("/") else { return nil }
            return (scheme, authority)
        }
        return nil
    }

    /// `host:port`, lowercased, with the scheme's default port filled in.
    private static func normalized(_ authority: String, defaultPort: String) -> String {
        let lowered = authority.lowercased()
        let hasPort = lowered.hasPrefix("[") ? lowered.contains("]:") : lowered.contains(":")
        return hasPort ? lowered : lowered + ":" + defaultPort
    }
}
