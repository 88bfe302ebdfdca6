/// Why `HTTPClient` could not produce a response. Every message says what happened, to
/// which URL or host, and what the user can do about it, so the CLI can print it as it is.
/// An HTTP error status is not one of these: the client returns such responses and lets
/// the caller decide.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The network step that was waiting when a timeout expired.
    public enum Stage: Sendable, Equatable {
        case connecting, tlsHandshake, sendingRequest, receivingResponse
    }

    case invalidURL(String, reason: String)
    case cannotResolve(host: String, reason: String)
    case cannotConnect(HTTPURL, reason: String)
    case timedOut(HTTPURL, after: Duration, stage: Stage)
    case connectionFailed(HTTPURL, reason: String)
    case tlsHandshakeFailed(HTTPURL, reason: String)
    case certificateNotTrusted(host: String, reason: String)
    case cannotLoadCAFile(path: String, reason: String)
    case malformedResponse(HTTPURL, reason: String)
    case truncatedResponse(HTTPURL, reason: String)
    case headersTooLarge(HTTPURL, limit: Int)
    case bodyTooLarge(HTTPURL, limit: Int)
    case tooManyRedirects(HTTPURL, limit: Int)
    case redirectLoop(HTTPURL)
    case insecureRedirect(from: HTTPURL, to: HTTPURL)
    case invalidRedirect(HTTPURL, location: String)

    public var description: String {
        switch self {
        case let .invalidURL(text, reason):
            "invalid URL \"\(text)\": \(reason)"
        case let .cannotResolve(host, reason):
            "cannot resolve host \(host) (\(reason)): check the URL and your network or DNS settings"
        case let .cannotConnect(url, reason):
            "cannot connect to \(url.hostAndPort) (\(reason)): is the server running?"
        case let .timedOut(url, after, stage):
            "timed out after \(Self.format(after)) \(Self.describe(stage, url)): the server is not answering; "
                + "check that it is reachable or raise the timeout"
        case let .connectionFailed(url, reason):
            "connection to \(url.hostAndPort) failed while fetching \(url) (\(reason)); try again"
        case let .tlsHandshakeFailed(url, reason):
            "TLS handshake with \(url.hostAndPort) failed (\(reason)): check that the server speaks HTTPS "
                + "on this port and supports TLS 1.2 or later"
        case let .certificateNotTrusted(host, reason):
            "TLS certificate of \(host) could not be verified: \(reason); pass a CA file or fix the server's certificate"
        case let .cannotLoadCAFile(path, reason):
            "cannot load CA certificates from \(path) (\(reason)): pass a readable PEM file"
        case let .malformedResponse(url, reason):
            "malformed HTTP response from \(url): \(reason); the server is not speaking HTTP/1.1 correctly"
        case let .truncatedResponse(url, reason):
            "response from \(url) was cut off: \(reason); try again"
        case let .headersTooLarge(url, limit):
            "response headers from \(url) exceed the \(Self.format(bytes: limit)) limit; the server is misbehaving"
        case let .bodyTooLarge(url, limit):
            "response from \(url) exceeds the \(Self.format(bytes: limit)) limit; "
                + "raise the client's maxBodyBytes if the file is really this large"
        case let .tooManyRedirects(url, limit):
            "more than \(limit) redirects while fetching \(url); the server's redirects do not lead anywhere"
        case let .redirectLoop(url):
            "redirect loop: \(url) was reached again; fix the server's redirects"
        case let .insecureRedirect(from, to):
            "refusing to follow the redirect from \(from) to \(to): it downgrades HTTPS to unencrypted HTTP"
        case let .invalidRedirect(url, location):
            "\(url) redirects to \"\(location)\", which is not a valid http or https URL"
        }
    }

    private static func describe(_ stage: Stage, _ url: HTTPURL) -> String {
        switch stage {
        case .connecting: "connecting to \(url.hostAndPort) for \(url)"
        case .tlsHandshake: "in the TLS handshake with \(url.hostAndPort) for \(url)"
        case .sendingRequest: "sending the request for \(url)"
        case .receivingResponse: "waiting for \(url)"
        }
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        return "\(Double(milliseconds) / 1000)s"
    }

    static func format(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
