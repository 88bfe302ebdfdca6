import RingletSystem
/// A connection kept open after `HTTPClient.upgrade`, for a protocol that talks both ways for
/// as long as the user likes (a WebSocket). Reads never wait: the caller polls `descriptor`
/// next to its other descriptors, so a quiet peer is not a timeout. Writes wait within the
/// client's timeout, because a peer that takes nothing for that long is gone.
///
/// It owns the connection: the TLS session is ended and the socket closed, once, when the
/// stream is released.
public final class HTTPStream {
    /// What a read found.
    public enum Received: Equatable {
        case bytes([UInt8])
        /// Nothing has arrived yet: poll `descriptor` for POLLIN, unless `hasPendingInput`.
        case nothing
        /// The peer closed the connection.
        case closed
    }

    private let connection: Connection
    /// Bytes that came in with the 101 response, handed out before anything else.
    private var received: [UInt8]
    private var buffer = [UInt8](repeating: 0, count: 32 << 10)

    init(connection: Connection, received: [UInt8]) {
        self.connection = connection
        self.received = received
    }

    public var url: HTTPURL { connection.url }

    /// The socket, only for poll(2); reading or writing it directly would bypass TLS.
    public var descriptor: Int32 { connection.descriptor }

    /// Bytes are ready to read although the socket may not poll readable (TLS decrypted more
    /// than the last read took, or they came with the 101): read again before polling.
    public var hasPendingInput: Bool {
        !received.isEmpty || connection.hasPendingInput
    }

    /// What has arrived, without waiting for more.
    public func receive() throws(HTTPClientError) -> Received {
        if !received.isEmpty {
            defer { received = [] }
            return .bytes(received)
        }
        let connection = connection
        // A TLS read may write (a key update), and OpenSSL writes with write(2).
        let count = try SIGPIPEBlocker.run { () throws(HTTPClientError) -> Int? in
            let result = buffer.withUnsafeMutableBytes { bytes in
                Result { () throws(HTTPClientError) in try connection.readAvailable(into: bytes) }
            }
            return try result.get()
        }
        switch count {
        case nil: return .nothing
        case 0: return .closed
        case let count?: return .bytes(Array(buffer[..<count]))
        }
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: [UInt8]) throws(HTTPClientError) {
        try SIGPIPEBlocker.run { () throws(HTTPClientError) in try connection.write(bytes) }
    }
}
