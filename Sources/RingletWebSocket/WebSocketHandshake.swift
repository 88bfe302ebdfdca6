import RingletCrypto

/// The server's half of the opening handshake (RFC 6455 section 4.2). It only checks the
/// request's headers and computes the accept key; reading the request and writing the
/// `101 Switching Protocols` response belong to whoever owns the connection.
public enum WebSocketHandshake {
    /// What the response needs from a valid upgrade request.
    public struct Upgrade: Equatable, Sendable {
        /// The `Sec-WebSocket-Accept` value to send back.
        public let acceptKey: String
        /// The subprotocols the client offered, in its order of preference; the server may pick one.
        public let protocols: [String]
    }

    /// The GUID every server appends to the client's key (section 1.3), proving that it
    /// speaks WebSocket rather than echoing headers like a naive HTTP server.
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    public static func acceptKey(for clientKey: String) -> String {
        Base64.encode(SHA1.hash((clientKey + guid).utf8))
    }

    /// Checks the headers of an upgrade request; names are compared without regard to case.
    /// A request without `Origin` is accepted, because only browsers send it and the check
    /// exists to stop web pages from other origins driving the daemon; when present it must
    /// be in `allowedOrigins` (compared case-insensitively, like `http://localhost:8080`).
    public static func validate(headers: [(String, String)], allowedOrigins: Set<String>) -> Result<Upgrade, WebSocketHandshakeError> {
        func values(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name }.map { trimmed($0.1) }
        }
        func tokens(_ name: String) -> [String] {
            values(name).flatMap { $0.split(separator: ",").map { trimmed(String($0)) } }.filter { !$0.isEmpty }
        }

        guard tokens("upgrade").contains(where: { $0.lowercased() == "websocket" }) else {
            return .failure(.missingUpgradeHeader)
        }
        guard tokens("connection").contains(where: { $0.lowercased() == "upgrade" }) else {
            return .failure(.missingConnectionUpgrade)
        }
        let versions = values("sec-websocket-version")
        guard versions == ["13"] else { return .failure(.unsupportedVersion(versions.first)) }
        let keys = values("sec-websocket-key")
        guard keys.count == 1, isBase64OfSixteenBytes(keys[0]) else { return .failure(.invalidKey(keys.first)) }
        for origin in values("origin") where !allowedOrigins.contains(where: { $0.lowercased() == origin.lowercased() }) {
            return .failure(.forbiddenOrigin(origin))
        }
        return .success(Upgrade(acceptKey: acceptKey(for: keys[0]), protocols: tokens("sec-websocket-protocol")))
    }

    /// 16 bytes are 22 base64 digits and `==`; the last digit carries 4 unused bits, which must be zero.
    private static func isBase64OfSixteenBytes(_ key: String) -> Bool {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let utf8 = Array(key.utf8)
        guard utf8.count == 24, utf8[22...] == [UInt8(ascii: "="), UInt8(ascii: "=")] else { return false }
        let digits = utf8[..<22].map { alphabet.firstIndex(of: $0) }
        guard !digits.contains(nil), let last = digits[21] else { return false }
        return last & 0x0F == 0
    }

    /// Header values may be padded with spaces and tabs (RFC 9110 section 5.5).
    private static func trimmed(_ text: String) -> String {
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(text.drop(while: isPadding).reversed().drop(while: isPadding).reversed())
    }
}
