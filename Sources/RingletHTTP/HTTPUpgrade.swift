/// The answer to `HTTPClient.upgrade`: the server switched protocols, or it answered the
/// request as plain HTTP (a 401, a 404), with the body read so its message can be shown.
public enum HTTPUpgrade {
    /// The 101 response's head, and the connection now speaking the new protocol.
    case switched(HTTPResponse, HTTPStream)
    case refused(HTTPResponse)
}
