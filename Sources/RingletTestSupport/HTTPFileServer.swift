import Foundation

/// A real HTTP server on 127.0.0.1 serving a folder (Python's `http.server`), on an ephemeral port,
/// stopped by `stop()` or deinit. With a certificate it serves HTTPS.
public final class HTTPFileServer: @unchecked Sendable {
    public let port: Int
    public let scheme: String
    private let process: Process

    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)/" }

    public init(serving directory: String, certificate: SelfSignedCertificate? = nil) throws {
        let script = """
        import http.server, socketserver, sys, functools, ssl, signal
        # Test threads block SIGTERM and a child inherits the mask; unblock it so stop() is heard.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
        handler.log_message = lambda *a: None
        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        server = Server(("127.0.0.1", 0), handler)
        if len(sys.argv) > 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
        scheme = certificate == nil ? "http" : "https"
        process = Process()
        process.executableURL = URL(fileURLWithPath: try ProcessRunner.which("python3"))
        process.arguments = ["-c", script, directory] + (certificate.map { [$0.certificatePath, $0.keyPath] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown)
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
