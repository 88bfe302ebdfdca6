#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An answer the application gives: status, extra headers, and the whole body. Bodies are complete
/// byte arrays because every daemon answer is small JSON; anything streamed goes over a WebSocket.
/// The server adds `Content-Length`, `Server` and `Connection` itself, so the application cannot get
/// message framing wrong.
public struct HTTPServerResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` as JSON (sorted keys, so answers are stable); a value that cannot be encoded is a 500.
    public static func json(_ status: Int, _ value: some Encodable) -> HTTPServerResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let body = try encoder.encode(value)
            return HTTPServerResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(body))
        } catch {
            return .error(500, "cannot encode the answer as JSON: \(error)")
        }
    }

    /// `{"error":"message"}`.
    public static func error(_ status: Int, _ message: String) -> HTTPServerResponse {
        json(status, ["error": message])
    }

    /// The bytes on the wire; `omitBody` for HEAD, whose answer says how long the body would be.
    func serialized(closing: Bool, omitBody: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nServer: ringlet\r\n"
        let informational = (100..<200).contains(status)
        if !informational && status != 204 { head += "Content-Length: \(body.count)\r\n" }
        head += Self.fieldLines(headers, excluding: ["content-length", "server", "connection", "transfer-encoding"])
        if closing { head += "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !omitBody && !informational && status != 204 && status != 304 { bytes += body }
        return bytes
    }

    /// `Name: value\r\n` for each field not named in `excluding` (lowercased names).
    static func fieldLines(_ headers: HTTPHeaders, excluding: Set<String>) -> String {
        var lines = ""
        for (name, value) in headers where isSafe(name: name, value: value) && !excluding.contains(name.lowercased()) {
            lines += "\(name): \(value)\r\n"
        }
        return lines
    }

    /// A name or value that would break the framing (CR, LF, NUL) is dropped rather than sent.
    private static func isSafe(name: String, value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            && value.utf8.allSatisfy { $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 426: "Upgrade Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
