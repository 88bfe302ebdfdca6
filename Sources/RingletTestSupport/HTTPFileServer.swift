import Foundation

/// A real HTTP server on 127.0.0.1 serving a folder (Python's `http.server`), on an ephemeral port,
/// stopped by `stop()` or deinit. With a certificate it serves HTTPS.
public final class HTTPFileServer: @unchecked Sendable {
    public let scheme: String
    private let server: PythonServer

    public var port: Int { server.port }
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)/" }

    public init(serving directory: String, certificate: SelfSignedCertificate? = nil) throws {
        let script = """
        import http.server, socketserver, sys, functools, ssl
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
        server = try PythonServer(script: script, arguments: [directory] + (certificate.map { [$0.certificatePath, $0.keyPath] } ?? []))
    }

    public func stop() {
        server.stop()
    }
}
