#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import RingletAPI
import RingletCrypto
import RingletSessions
import RingletSystem
import RingletWebSocket
import Synchronization

/// The daemon: the HTTP server, the bearer token, the REST routes and the WebSocket attach bridges on
/// one event loop. Sessions are not its own: each lives in its host process, published in the sessions
/// folder, so the service holds nothing a crash could lose — a restarted daemon lists the folder and
/// clients reattach. Route handlers never block the loop: anything that reads files, talks to a host
/// or starts a process runs on a worker thread and answers through the responder on the loop.
///
/// Create, use and close it on the loop's thread (or before the loop runs).
public final class DaemonService: @unchecked Sendable {
    public struct Settings: Sendable {
        public var listen = "127.0.0.1:8765"
        public var tls: ServerTLS?
        /// Running sessions beyond which creating one is refused with 429.
        public var maxSessions = 32
        public var configDirectory: String
        public var runtimeDirectory: String
        public var version: String
        /// Origins besides the daemon's own that browsers may call it from.
        public var allowedOrigins: Set<String> = []
        public var limits = HTTPServer.Limits()
        /// How far a WebSocket client may fall behind a session's output before it is disconnected.
        public var maxClientBacklog = 8 << 20
        /// How often the token file is checked for a rotation.
        public var tokenCheckInterval: Duration = .seconds(1)
        /// Folders to serve the dashboard from, the first holding an index.html winning.
        public var webRoots: [String] = []

        public init(configDirectory: String, runtimeDirectory: String, version: String) {
            self.configDirectory = configDirectory
            self.runtimeDirectory = runtimeDirectory
            self.version = version
        }
    }

    private struct TokenFile: Equatable {
        var device: UInt64, inode: UInt64, modified: Int, nanoseconds: Int, size: Int
    }

    private let settings: Settings
    private let backend: any DaemonBackend
    private let loop: EventLoop
    private let directory: SessionDirectory
    private let authenticator: RequestAuthenticator
    private let started = ContinuousClock.now
    private let dashboard: DashboardAssets?
    private var server: HTTPServer?
    private var token: DaemonToken
    private var tokenFile: TokenFile?
    private var bridges: [ObjectIdentifier: AttachBridge] = [:]
    private var tokenTimer: EventLoop.Timer?
    /// Serialises creations, so two concurrent requests cannot both take the last free session slot.
    private static let creation = Mutex(())

    public init(settings: Settings, backend: any DaemonBackend, loop: EventLoop) throws(DaemonError) {
        self.settings = settings
        self.backend = backend
        self.loop = loop
        directory = SessionDirectory(runtime: settings.runtimeDirectory)
        authenticator = RequestAuthenticator(allowedOrigins: settings.allowedOrigins)
        dashboard = settings.webRoots.lazy.compactMap { DashboardAssets.load(root: $0) }.first
        token = try DaemonToken.loadOrCreate(configDirectory: settings.configDirectory)
        tokenFile = Self.stat(tokenPath)
        server = try HTTPServer(address: settings.listen, loop: loop, tls: settings.tls, limits: settings.limits) { [unowned self] request, responder in
            handle(request, responder)
        }
        scheduleTokenCheck()
    }

    /// Where it listens, with the real port when port 0 was asked for.
    public var boundAddress: String { server?.boundAddress ?? settings.listen }

    /// The folder the dashboard is served from, if one was found.
    public var dashboardRoot: String? { dashboard?.root }

    /// Attached clients now (on the loop thread).
    public var attachedClients: Int { bridges.count }

    /// Stops listening and closes every client; sessions keep running in their hosts.
    public func close() {
        if let tokenTimer { loop.cancel(tokenTimer) }
        for bridge in Array(bridges.values) { bridge.disconnect(code: .goingAway, reason: "the daemon is stopping; reattach when it is back") }
        server?.close()
        server = nil
    }

    private var tokenPath: String { settings.configDirectory + "/" + DaemonToken.fileName }

    // MARK: Routing

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        if request.method == "GET" || request.method == "HEAD", request.path == "/" || request.path.hasPrefix("/assets/") {
            let answer = dashboard.flatMap { $0.response(path: request.path, ifNoneMatch: request.headers["if-none-match"]) }
            responder.respond(answer ?? DashboardAssets.missing(searched: settings.webRoots))
            return
        }
        reloadTokenIfChanged()
        let decision = authenticator.authenticate(request, token: token)
        guard case let .allowed(usedToken, subprotocol) = decision else {
            if case let .refused(status, message) = decision {
                backend.record("auth", session: nil, profile: nil, ["event": "refused", "client": request.clientAddress,
                                                                    "status": String(status), "reason": message, "path": request.path])
            }
            responder.respond(decision.response ?? .error(401, "unauthorized"))
            return
        }
        guard let route = Route(path: request.path) else {
            responder.respond(.error(404, "no such endpoint: \(request.path); the API is /health, /api/profiles and /api/sessions"))
            return
        }
        switch (request.method, route) {
        case ("GET", .health):
            work(responder) { [directory, started, settings] in
                let running = Self.statuses(directory).filter { $0.state == .running }.count
                return .json(200, HealthReport(version: settings.version, sessions: running,
                                               uptimeSeconds: Int(started.duration(to: .now).components.seconds)))
            }
        case ("GET", .profiles):
            work(responder) { [backend] in
                do throws(DaemonError) {
                    return .json(200, ["profiles": try backend.profiles()])
                } catch {
                    return .error(500, error.description)
                }
            }
        case ("GET", .sessions):
            work(responder) { [directory] in .json(200, ["sessions": Self.statuses(directory).map { SessionSummary($0) }]) }
        case ("POST", .sessions):
            create(request, responder)
        case let ("GET", .session(id)):
            work(responder) { [directory] in Self.summary(id, directory) }
        case let ("DELETE", .session(id)):
            end(id, request, responder)
        case let ("GET", .recording(id)):
            work(responder) { [backend] in
                guard SessionDirectory.isValid(id: id), let path = backend.recordingPath(session: id),
                      let bytes = try? FileBytes.read(path, limit: 1 << 30)
                else { return .error(404, "no recording of session \(id); `ringlet sessions list` shows the recorded ones") }
                var headers = HTTPHeaders()
                headers.append(name: "Content-Type", value: "application/x-asciicast")
                headers.append(name: "Content-Disposition", value: "attachment; filename=\"\(id).cast\"")
                return HTTPServerResponse(status: 200, headers: headers, body: bytes)
            }
        case let ("GET", .attach(id)):
            attach(id, request, responder, token: usedToken, subprotocol: subprotocol)
        default:
            var response = HTTPServerResponse.error(405, "\(request.method) is not allowed on \(request.path)")
            response.headers.append(name: "Allow", value: route.allowedMethods)
            responder.respond(response)
        }
    }

    /// The API's endpoints, from a request's decoded path.
    enum Route: Equatable {
        case health, profiles, sessions
        case session(String), recording(String), attach(String)

        init?(path: String) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
            switch parts.count {
            case 1 where parts[0] == "health": self = .health
            case 2 where parts[0] == "api" && parts[1] == "profiles": self = .profiles
            case 2 where parts[0] == "api" && parts[1] == "sessions": self = .sessions
            case 3 where parts[0] == "api" && parts[1] == "sessions": self = .session(parts[2])
            case 4 where parts[0] == "api" && parts[1] == "sessions" && parts[3] == "recording": self = .recording(parts[2])
            case 4 where parts[0] == "api" && parts[1] == "sessions" && parts[3] == "attach": self = .attach(parts[2])
            default: return nil
            }
        }

        var allowedMethods: String {
            switch self {
            case .sessions: "GET, POST"
            case .session: "GET, DELETE"
            default: "GET"
            }
        }
    }

    /// Runs `body` on a worker thread and answers with its response on the loop.
    private func work(_ responder: HTTPResponder, _ body: @escaping @Sendable () -> HTTPServerResponse) {
        let loop = self.loop
        let started = DetachedThread.start {
            let response = body()
            loop.execute { responder.respond(response) }
        }
        if !started { responder.respond(.error(503, "the daemon cannot start a worker thread now; try again")) }
    }

    // MARK: Sessions

    private struct CreateRequest: Decodable {
        var profile: String
        var cols: Int?
        var rows: Int?
    }

    private func create(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = try? JSONDecoder().decode(CreateRequest.self, from: Data(request.body)) else {
            responder.respond(.error(400, #"the body must be JSON like {"profile":"work","cols":120,"rows":30}"#))
            return
        }
        let cols = body.cols ?? 80, rows = body.rows ?? 24
        guard (1...1000).contains(cols), (1...1000).contains(rows) else {
            responder.respond(.error(400, "cols and rows must be from 1 to 1000"))
            return
        }
        let client = request.clientAddress
        work(responder) { [backend, directory, settings] in
            Self.creation.withLock { _ in
                let running = Self.statuses(directory).filter { $0.state == .running }.count
                guard running < settings.maxSessions else {
                    return .error(429, "\(running) sessions are running, the most this daemon allows (--max-sessions \(settings.maxSessions)); end one first")
                }
                let id = SecureRandom.hexToken(bytes: 8)
                do throws(DaemonError) {
                    try backend.startSession(id: id, profile: body.profile, cols: cols, rows: rows)
                } catch {
                    if case .unknownProfile = error { return .error(404, error.description) }
                    return .error(500, error.description)
                }
                backend.record("session", session: id, profile: body.profile,
                               ["event": "start", "client": client, "size": "\(cols)x\(rows)"])
                var response = Self.summary(id, directory)
                if response.status == 200 { response.status = 201 }
                return response
            }
        }
    }

    private func end(_ id: String, _ request: HTTPRequest, _ responder: HTTPResponder) {
        let client = request.clientAddress
        work(responder) { [backend, directory] in
            guard SessionDirectory.isValid(id: id) else { return Self.unknown(id) }
            let socket = directory.socketPath(for: id)
            guard let before = try? SessionHostConnection.status(socketPath: socket) else { return Self.unknown(id) }
            if before.state == .exited {
                // Already ended: deleting it takes it off the list at once instead of after its linger.
                try? SessionHostConnection.terminate(socketPath: socket)
                return .json(200, SessionSummary(before))
            }
            do throws(SessionError) {
                try SessionHostConnection.terminate(socketPath: socket)
            } catch {
                return .error(500, error.description)
            }
            backend.record("session", session: id, profile: before.profile, ["event": "end-requested", "client": client])
            // The host escalates to SIGKILL after its grace period; wait past it for the exit code.
            for _ in 0..<150 {
                if let status = try? SessionHostConnection.status(socketPath: socket), status.state == .exited {
                    return .json(200, SessionSummary(status))
                }
                usleep(100_000)
            }
            return .error(504, "session \(id) was asked to end but has not yet; `ringlet daemon status` and GET /api/sessions show it")
        }
    }

    private func attach(_ id: String, _ request: HTTPRequest, _ responder: HTTPResponder, token used: DaemonToken, subprotocol: String?) {
        guard request.isWebSocketUpgrade else {
            responder.respond(.error(400, "attach is a WebSocket endpoint; connect with the ringlet.v1 subprotocol"))
            return
        }
        guard SessionDirectory.isValid(id: id) else {
            responder.respond(Self.unknown(id))
            return
        }
        let bridge: AttachBridge
        do throws(SessionError) {
            bridge = try AttachBridge(session: id, socketPath: directory.socketPath(for: id), token: used, clientAddress: request.clientAddress,
                                      loop: loop, maxBuffered: settings.maxClientBacklog) { [unowned self] bridge, how in
                bridges.removeValue(forKey: ObjectIdentifier(bridge))
                backend.record("session", session: bridge.session, profile: nil, ["event": "detach", "client": bridge.clientAddress, "close": how])
            }
        } catch {
            responder.respond(Self.unknown(id))
            return
        }
        guard let connection = responder.upgrade(protocol: subprotocol, delegate: bridge) else {
            bridge.abandon()
            return
        }
        bridges[ObjectIdentifier(bridge)] = bridge
        bridge.attached(connection)
        backend.record("session", session: id, profile: nil, ["event": "attach", "client": request.clientAddress])
    }

    private static func unknown(_ id: String) -> HTTPServerResponse {
        .error(404, "no session \(id); GET /api/sessions lists the sessions")
    }

    private static func summary(_ id: String, _ directory: SessionDirectory) -> HTTPServerResponse {
        guard SessionDirectory.isValid(id: id), let status = try? SessionHostConnection.status(socketPath: directory.socketPath(for: id)) else {
            return unknown(id)
        }
        return .json(200, SessionSummary(status))
    }

    /// Every live session's status, oldest first; a host that does not answer is left out.
    private static func statuses(_ directory: SessionDirectory) -> [SessionStatus] {
        directory.sessions().compactMap { try? SessionHostConnection.status(socketPath: directory.socketPath(for: $0.id)) }
    }

    // MARK: Token rotation

    private func scheduleTokenCheck() {
        tokenTimer = loop.schedule(after: settings.tokenCheckInterval) { [weak self] in
            guard let self else { return }
            reloadTokenIfChanged()
            scheduleTokenCheck()
        }
    }

    /// Picks up `ringlet daemon rotate-token` (a new file replaces the old one) and disconnects the
    /// clients that attached with the token it replaced.
    private func reloadTokenIfChanged() {
        let current = Self.stat(tokenPath)
        guard current != tokenFile else { return }
        tokenFile = current
        guard let fresh = try? DaemonToken.loadOrCreate(configDirectory: settings.configDirectory), fresh != token else { return }
        token = fresh
        tokenFile = Self.stat(tokenPath)
        for bridge in Array(bridges.values) where bridge.token != fresh {
            bridge.disconnect(code: .policyViolation, reason: "the daemon's token was rotated; reconnect with the new one")
        }
    }

    private static func stat(_ path: String) -> TokenFile? {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { return nil }
        return TokenFile(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), modified: info.st_mtim.tv_sec,
                         nanoseconds: info.st_mtim.tv_nsec, size: Int(info.st_size))
    }
}
