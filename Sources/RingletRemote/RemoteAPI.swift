#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RingletAPI
import RingletHTTP
import RingletTerminal

/// The REST API of a remote ringlet daemon, every request carrying the remote's bearer token. Calls
/// block the calling thread (they use `HTTPClient`); an error status becomes `RemoteError.rejected`
/// with the daemon's own `error` message.
public struct RemoteAPI: Sendable {
    public let remote: Remote
    private let token: String
    private let client: HTTPClient

    /// Redirects are refused: the token must only ever go to the URL the user configured.
    public init(remote: Remote, token: String, client: HTTPClient = HTTPClient(timeout: .seconds(15), maxRedirects: 0)) throws(RemoteError) {
        if let problem = RemoteStore.problem(withToken: token) { throw .invalidToken(reason: problem) }
        self.remote = remote
        self.token = token
        self.client = client
    }

    public func health() throws(RemoteError) -> HealthReport {
        try call("GET", "/health", as: HealthReport.self)
    }

    public func profiles() throws(RemoteError) -> [ProfileSummary] {
        struct Envelope: Decodable { var profiles: [ProfileSummary] }
        return try call("GET", "/api/profiles", as: Envelope.self).profiles
    }

    public func sessions() throws(RemoteError) -> [SessionSummary] {
        struct Envelope: Decodable { var sessions: [SessionSummary] }
        return try call("GET", "/api/sessions", as: Envelope.self).sessions
    }

    public func session(_ id: String) throws(RemoteError) -> SessionSummary {
        try call("GET", "/api/sessions/" + RemoteAPI.checked(id), as: SessionSummary.self)
    }

    /// Starts `profile` on the remote with a terminal of `size`.
    public func createSession(profile: String, size: WindowSize) throws(RemoteError) -> SessionSummary {
        struct Request: Encodable { var profile: String, cols: Int, rows: Int }
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(Request(profile: profile, cols: Int(size.columns), rows: Int(size.rows))))
        } catch {
            throw .invalidResponse(remote, reason: "cannot encode the request: \(error)")
        }
        return try call("POST", "/api/sessions", body: body, as: SessionSummary.self)
    }

    /// Ends the session (the agent is stopped) and returns it as it ended.
    public func endSession(_ id: String) throws(RemoteError) -> SessionSummary {
        try call("DELETE", "/api/sessions/" + RemoteAPI.checked(id), as: SessionSummary.self)
    }

    /// Opens the session's terminal stream.
    public func attach(_ id: String) throws(RemoteError) -> WebSocketClient {
        try WebSocketClient.connect(remote: remote, url: remote.endpoint("/api/sessions/\(RemoteAPI.checked(id))/attach"),
                                    token: token, client: client)
    }

    /// `id` if it can be a session id: it goes into a URL path, so only letters, digits, '-' and '_'.
    public static func checked(_ id: String) throws(RemoteError) -> String {
        let valid = !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard valid else { throw .invalidSessionID(id) }
        return id
    }

    /// The error an error status stands for, with the daemon's `{"error": …}` message, or what the
    /// body or status line holds when the answer is not that JSON (a proxy's error page).
    static func failure(_ response: HTTPResponse, remote: Remote) -> RemoteError {
        struct ErrorBody: Decodable { var error: String }
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)) {
            return .rejected(remote, status: response.status, message: body.error)
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            .unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(String.init).joined()
        let message = text.isEmpty ? (response.reason.isEmpty ? "no message" : response.reason) : text
        return .rejected(remote, status: response.status, message: message)
    }

    private func call<Answer: Decodable>(_ method: String, _ path: String, body: [UInt8]? = nil, as type: Answer.Type) throws(RemoteError) -> Answer {
        var headers = [HTTPHeader(name: "Authorization", value: "Bearer \(token)"), HTTPHeader(name: "Accept", value: "application/json")]
        if body != nil { headers.append(HTTPHeader(name: "Content-Type", value: "application/json")) }
        let url = try remote.endpoint(path)
        let response: HTTPResponse
        do {
            response = try client.send(method: method, url: url, headers: headers, body: body)
        } catch {
            throw .unreachable(remote, error)
        }
        guard response.isSuccess else { throw RemoteAPI.failure(response, remote: remote) }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(response.body))
        } catch {
            throw .invalidResponse(remote, reason: "\(method) \(path): \(RemoteAPI.explain(error))")
        }
    }

    /// A decoding failure in a few words, naming the field; DecodingError's own text is a page long.
    private static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context)
            return "the field \"\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)\" is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "the field \"\(path(context))\" has the wrong type"
        default:
            return "the body is not valid JSON"
        }
    }
}
