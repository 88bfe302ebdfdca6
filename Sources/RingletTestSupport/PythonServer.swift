import Foundation

/// A small Python program serving on 127.0.0.1 that prints its port on its first line, stopped by
/// `stop()` or deinit; for peers the test needs to look inside (what exactly arrived upstream).
public final class PythonServer: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    private let process: Process

    public init(script: String, arguments: [String] = []) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try ProcessRunner.which("python3"))
        // Test threads block SIGTERM and a child inherits the mask; unblock it so stop() is heard.
        let prologue = "import signal\nsignal.pthread_sigmask(signal.SIG_SETMASK, [])\n"
        process.arguments = ["-c", prologue + script] + arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw Failure(description: "python server did not print its port: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// What `PythonServer.requestEcho()` saw of one request, as it answered it.
public struct EchoedRequest: Decodable, Sendable {
    public var method: String
    public var path: String
    public var version: String
    /// Every header line in arrival order, names as sent.
    public var headers: [[String]]
    /// The body, one character per byte (Latin-1), so any bytes compare exactly.
    public var body: String

    public init(json: String) throws {
        self = try JSONDecoder().decode(EchoedRequest.self, from: Data(json.utf8))
    }

    /// Every value of the header `name` (case-insensitive).
    public func values(_ name: String) -> [String] {
        headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
    }

    public var headerNames: Set<String> { Set(headers.compactMap { $0.first?.lowercased() }) }
}

extension PythonServer {
    /// An HTTP/1.0 server (it closes after each answer) replying to any method with a JSON
    /// `EchoedRequest`: the request line, every header as received, and the body read by Content-Length.
    public static func requestEcho() throws -> PythonServer {
        try PythonServer(script: """
        import http.server, socketserver, json, signal
        # Test threads block SIGTERM and a child inherits the mask; unblock it so stop() is heard.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length > 0 else b""
                reply = json.dumps({"method": self.command, "path": self.path, "version": self.request_version,
                                    "headers": [[k, v] for k, v in self.headers.items()],
                                    "body": body.decode("latin-1")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply)
            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = answer
        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        server = Server(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """)
    }
}
