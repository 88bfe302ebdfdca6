import RingletWebSocket

/// What a client would send: frames built by hand (so they can break the rules) and masked.
enum ClientFrames {
    /// RFC 6455 section 5.7's masking key.
    static let rfcKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    /// An unmasked frame with any first byte (FIN, RSV bits, opcode) and the shortest length encoding.
    static func raw(firstByte: UInt8, payload: [UInt8]) -> [UInt8] {
        var bytes = [firstByte]
        switch payload.count {
        case ..<126: bytes.append(UInt8(payload.count))
        case ...0xFFFF: bytes += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: bytes += [127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
        }
        return bytes + payload
    }

    /// Masks an unmasked frame, such as the encoder's output, the way a client must.
    static func masked(_ frame: [UInt8], key: [UInt8] = rfcKey) -> [UInt8] {
        let lengthBytes = switch frame[1] & 0x7F {
        case 126: 2
        case 127: 8
        default: 0
        }
        let headerLength = 2 + lengthBytes
        var bytes = Array(frame[..<headerLength])
        bytes[1] |= 0x80
        bytes += key
        for (index, byte) in frame[headerLength...].enumerated() {
            bytes.append(byte ^ key[index % 4])
        }
        return bytes
    }

    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        masked(raw(firstByte: (fin ? 0x80 : 0) | opcode, payload: payload))
    }

    static func close(code: UInt16, reason: [UInt8] = []) -> [UInt8] {
        frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// Feeds `bytes` in pieces of `chunk` bytes (all at once when nil), collecting every message.
    static func decode(_ bytes: [UInt8], chunk: Int? = nil, maxMessageSize: Int = 1 << 20) throws(WebSocketError) -> [WebSocketMessage] {
        var decoder = WebSocketFrameDecoder(maxMessageSize: maxMessageSize)
        var messages: [WebSocketMessage] = []
        var start = 0
        repeat {
            let end = min(bytes.count, start + (chunk ?? bytes.count))
            decoder.append(bytes[start..<end])
            start = end
            while let message = try decoder.next() {
                messages.append(message)
            }
        } while start < bytes.count
        return messages
    }
}
