import Foundation
import RingletHTTP

/// A real HTTP(S) server on 127.0.0.1 with an ephemeral port: a Python script with one
/// route per behaviour under test. It prints its port on stdout once it listens, and exits
/// when its stdin closes, so it dies with the test process even if `stop()` never runs.
final class TestServer: @unchecked Sendable {
    let port: Int
    let scheme: String
    private let process: Process
    private let stdin: Pipe

    private init(tls: TestCertificate?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script] + (tls.map { [$0.certificatePath, $0.keyPath] } ?? [])
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        scheme = tls == nil ? "http" : "https"

        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        guard let line = String(data: output, encoding: .utf8)?.split(separator: "\n").first, let port = Int(line) else {
            process.terminate()
            process.waitUntilExit()
            throw TestServerError.didNotStart
        }
        self.port = port
    }

    /// Runs `body` with a fresh server and always stops it afterwards.
    @discardableResult
    static func with<T>(tls: TestCertificate? = nil, _ body: (TestServer) throws -> T) throws -> T {
        let server = try TestServer(tls: tls)
        defer { server.stop() }
        return try body(server)
    }

    func url(_ path: String, host: String = "127.0.0.1") throws -> HTTPURL {
        try HTTPURL(parsing: "\(scheme)://\(host):\(port)\(path)")
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    enum TestServerError: Error {
        case didNotStart
    }

    private static let script = #"""
import json, os, ssl, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        path, _, query = self.path.partition("?")
        origin = f"{scheme}://127.0.0.1:{port}"
        if path == "/hello":
            self.reply(200, b"hello world", [("Content-Type", "text/plain")])
        elif path == "/echo":
            body = json.dumps({"target": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
            self.reply(200, body.encode())
        elif path == "/chunked":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"5;name=value\r\nhello\r\n1\r\n \r\n0005 ; ext\r\nworld\r\n"
                     b"0\r\nX-Trailer: yes\r\n\r\n")
        elif path == "/close":
            self.raw(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        elif path == "/missing":
            self.reply(404, b"not here")
        elif path == "/redirect/absolute":
            self.reply(302, headers=[("Location", f"{origin}/redirect/relative")])
        elif path == "/redirect/relative":
            self.reply(301, b"moved", [("Location", "../hello")])
        elif path == "/loop/a":
            self.reply(302, headers=[("Location", "/loop/b")])
        elif path == "/loop/b":
            self.reply(307, headers=[("Location", "a")])
        elif path == "/chain":
            left = int(query)
            if left == 0:
                self.reply(200, b"done")
            else:
                self.reply(303, headers=[("Location", f"/chain?{left - 1}")])
        elif path == "/downgrade":
            self.reply(302, headers=[("Location", f"http://127.0.0.1:{port}/hello")])
        elif path == "/big":
            mode, size = query.split(",")
            body = b"x" * int(size)
            if mode == "length":
                self.reply(200, body)
            elif mode == "chunked":
                self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100])
                                    for i in range(0, len(body), 100))
                         + b"0\r\n\r\n")
            else:
                self.raw(b"HTTP/1.0 200 OK\r\n\r\n" + body)
        elif path == "/interim":
            self.raw(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                     b"HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second\r\nContent-Length: 2\r\n\r\nok")
        elif path == "/no-content":
            self.raw(b"HTTP/1.1 204 No Content\r\n\r\n")
        elif path == "/garbage":
            self.raw(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        elif path == "/truncated":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!")
        elif path == "/truncated-chunk":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort")
        elif path == "/bad-chunk":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        elif path == "/conflicting-length":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
        elif path == "/gzip-transfer":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
        elif path == "/huge-headers":
            self.raw(b"HTTP/1.1 200 OK\r\n" + b"X-Filler: " + b"y" * 70000 + b"\r\n\r\n")
        elif path == "/many-headers":
            self.raw(b"HTTP/1.1 200 OK\r\n" + b"X-Filler: yyyyyyyyyy\r\n" * 7000 + b"\r\n")
        else:
            self.reply(500, b"unknown test route " + path.encode())

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = server.server_address[1]
scheme = "http"
if len(sys.argv) > 2:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    scheme = "https"

def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)

threading.Thread(target=exit_when_parent_goes, daemon=True).start()
print(port, flush=True)
server.serve_forever()
"""#
}
