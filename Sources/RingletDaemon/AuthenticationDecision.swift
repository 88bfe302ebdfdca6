/// What `RequestAuthenticator` decided about one request: let it through (saying which token it
/// carried, so connections opened with a token that was rotated away can be found and closed), or
/// refuse it with a status and a message that tells the client what to change.
public enum AuthenticationDecision: Sendable, Equatable {
    /// `subprotocol` is what a WebSocket upgrade must select (`ringlet.v1`); nil for plain requests.
    case allowed(token: DaemonToken, subprotocol: String?)
    case refused(status: Int, message: String)

    /// The answer to send for a refusal (with `WWW-Authenticate` for 401, `Retry-After` for 429).
    public var response: HTTPServerResponse? {
        guard case let .refused(status, message) = self else { return nil }
        var response = HTTPServerResponse.error(status, message)
        if status == 401 { response.headers.append(name: "WWW-Authenticate", value: "Bearer realm=\"ringlet\"") }
        if status == 429 { response.headers.append(name: "Retry-After", value: "60") }
        return response
    }
}
