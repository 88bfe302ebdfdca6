import Glibc
import RingletDaemon
import RingletSystem
import Synchronization
import Testing

/// A server on its own loop thread, as in the daemon. Results come back through Mutexes and are
/// awaited with generous deadlines, so a loaded machine only makes the tests slower.
final class ServerHarness: @unchecked Sendable {
    let loop: EventLoop
    let server: HTTPServer

    convenience init(address: String = "127.0.0.1:0", tls: ServerTLS? = nil, limits: HTTPServer.Limits = HTTPServer.Limits(),
                     handler: @escaping HTTPServer.Handler) throws {
        try self.init(address: address, tls: tls, limits: limits, makeHandler: { _ in handler })
    }

    /// For handlers that need the loop, to bring answers back to it.
    init(address: String = "127.0.0.1:0", tls: ServerTLS? = nil, limits: HTTPServer.Limits = HTTPServer.Limits(),
         makeHandler: (EventLoop) -> HTTPServer.Handler) throws {
        loop = try EventLoop()
        server = try HTTPServer(address: address, loop: loop, tls: tls, limits: limits, handler: makeHandler(loop))
        let loop = self.loop
        #expect(DetachedThread.start { loop.run() })
    }

    var port: Int { server.port }

    /// Runs `body` on the loop thread and returns its result.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        loop.execute { let value = body(); result.withLock { $0 = value } }
        for _ in 0..<2000 {
            if let value = result.withLock({ $0 }) { return value }
            usleep(5000)
        }
        fatalError("the loop did not run the closure within 10 s")
    }

    deinit {
        let server = self.server
        loop.execute { server.close() }
        loop.stop()
    }
}

/// Polls `condition` every 10 ms for up to `seconds`.
func eventually(within seconds: Int = 10, _ condition: () -> Bool) -> Bool {
    for _ in 0..<(seconds * 100) {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// The answer the test handler gives: method, path and body back, as text.
func echoHandler(_ request: HTTPRequest, _ responder: HTTPResponder) {
    var response = HTTPServerResponse(status: 200, body: Array("\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))".utf8))
    response.headers.append(name: "Content-Type", value: "text/plain")
    responder.respond(response)
}
