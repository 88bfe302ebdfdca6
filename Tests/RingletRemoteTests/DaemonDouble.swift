import Foundation
import RingletHTTP
import RingletRemote
import RingletTestSupport

/// `Fixtures/daemon_double.py`, the daemon's API served by python3-websockets, started for one test.
enum DaemonDouble {
    static let token = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c"
    static let seededSession = "3f9a0c1d2e4b5a67"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/daemon_double.py").path

    /// Debian's python3 explicitly: the one first on PATH may lack the websockets package.
    static func start(_ flags: [String] = []) throws -> PythonServer {
        try PythonServer(script: "import os, sys\nos.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv[1:])",
                         arguments: [script, token] + flags)
    }

    static func remote(_ server: PythonServer, name: String = "lab") throws -> Remote {
        try Remote(name: name, url: "http://127.0.0.1:\(server.port)")
    }

    static func api(_ server: PythonServer, token: String = token) throws -> RemoteAPI {
        try RemoteAPI(remote: try remote(server), token: token)
    }

    /// A session as the double serves it, with the fields only the double has (what the client sent).
    static func rawSession(_ server: PythonServer, _ id: String) throws -> [String: Any] {
        let response = try HTTPClient().send(method: "GET", url: try HTTPURL(parsing: "http://127.0.0.1:\(server.port)/api/sessions/\(id)"),
                                             headers: [HTTPHeader(name: "Authorization", value: "Bearer \(token)")])
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }
}
