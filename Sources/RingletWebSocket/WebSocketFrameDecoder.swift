/// Turns the bytes the peer sends into messages, however the network splits them. It
/// enforces every framing rule of RFC 6455, because a daemon reachable from a browser must
/// not trust its input: the size limit is checked as soon as a frame header arrives, before
/// the payload is buffered, and once an error is thrown every later call throws it again,
/// since the connection must then be closed. `role` is the side it decodes for, which
/// decides whether frames must be masked (from a client) or must not be (from a server).
public struct WebSocketFrameDecoder: Sendable {
    /// The largest text or binary message accepted, after joining fragments.
    public let maxMessageSize: Int
    public let role: WebSocketRole

    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// The opcode (text or binary) and payload so far of an unfinished fragmented message.
    private var fragmented: (opcode: WebSocketFrame.Opcode, payload: [UInt8])?
    private var failure: WebSocketError?

    public init(maxMessageSize: Int, role: WebSocketRole = .server) {
        precondition(maxMessageSize >= 0, "maxMessageSize must not be negative, got \(maxMessageSize)")
        self.maxMessageSize = maxMessageSize
        self.role = role
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        // Drop consumed bytes once they are at least half the buffer, so each byte moves O(1) times.
        if readIndex > 0, readIndex * 2 >= buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next() throws(WebSocketError) -> WebSocketMessage? {
        if let failure { throw failure }
        do {
            while let frame = try nextFrame() {
                if let message = try assemble(frame) { return message }
            }
            return nil
        } catch {
            failure = error
            throw error
        }
    }

    /// Parses one frame if all of it has arrived, checking everything the header alone decides first.
    private mutating func nextFrame() throws(WebSocketError) -> WebSocketFrame? {
        let available = buffer.count - readIndex
        guard available >= 2 else { return nil }
        let first = buffer[readIndex], second = buffer[readIndex + 1]

        guard first & 0x70 == 0 else { throw .reservedBitsSet }
        guard let opcode = WebSocketFrame.Opcode(rawValue: first & 0x0F) else { throw .unknownOpcode(first & 0x0F) }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        switch role {
        case .server: guard masked else { throw .unmaskedFrame }
        case .client: guard !masked else { throw .maskedFrame }
        }
        let shortLength = second & 0x7F
        if opcode.isControl {
            guard fin else { throw .fragmentedControlFrame }
            guard shortLength <= WebSocketFrame.maxControlPayload else {
                throw .controlFrameTooLong(length: UInt64(shortLength))
            }
        } else {
            guard (opcode == .continuation) == (fragmented != nil) else {
                throw opcode == .continuation ? .unexpectedContinuation : .expectedContinuation
            }
        }

        let lengthBytes = switch shortLength {
        case 126: 2
        case 127: 8
        default: 0
        }
        guard available >= 2 + lengthBytes else { return nil }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = 0
            for offset in 0..<lengthBytes {
                length = length << 8 | UInt64(buffer[readIndex + 2 + offset])
            }
            guard length >> 63 == 0 else { throw .invalidLength }
        }
        if !opcode.isControl {
            let room = maxMessageSize - (fragmented?.payload.count ?? 0)
            guard length <= UInt64(room) else { throw .messageTooBig(limit: maxMessageSize) }
        }

        let maskLength = masked ? 4 : 0
        let headerLength = 2 + lengthBytes + maskLength
        guard available >= headerLength, UInt64(available - headerLength) >= length else { return nil }
        let maskStart = readIndex + 2 + lengthBytes
        let payloadStart = maskStart + maskLength
        var payload = Array(buffer[payloadStart..<payloadStart + Int(length)])
        if masked {
            for index in payload.indices {
                payload[index] ^= buffer[maskStart + (index & 3)]
            }
        }
        readIndex = payloadStart + Int(length)
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }

    /// Joins fragments and checks payload contents; nil while a fragmented message is unfinished.
    private mutating func assemble(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketMessage? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close: return try Self.closeMessage(frame.payload)
        case .text, .binary:
            guard frame.fin else {
                fragmented = (frame.opcode, frame.payload)
                return nil
            }
            return try Self.dataMessage(frame.opcode, frame.payload)
        case .continuation:
            // nextFrame only lets a continuation through while a fragmented message is open.
            guard var open = fragmented else { throw .unexpectedContinuation }
            fragmented = nil  // so that `open` holds the only reference and appending does not copy
            open.payload.append(contentsOf: frame.payload)
            guard frame.fin else {
                fragmented = open
                return nil
            }
            return try Self.dataMessage(open.opcode, open.payload)
        }
    }

    private static func dataMessage(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        guard opcode == .text else { return .binary(payload) }
        guard let text = String(validating: payload, as: UTF8.self) else { throw .invalidUTF8 }
        return .text(text)
    }

    private static func closeMessage(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .truncatedCloseFrame }
        let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isAllowedOnWire else { throw .invalidCloseCode(code.rawValue) }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else { throw .invalidUTF8 }
        return .close(code: code, reason: reason)
    }
}
