import RingletCrypto

/// Frames as a client must send them (RFC 6455 section 5.3): masked with a fresh key from a
/// cryptographically secure generator for every frame, so a page or proxy cannot predict the
/// bytes on the wire (the cache-poisoning attack masking exists to stop).
enum ClientFrameEncoder {
    /// `frame`, as `WebSocketFrameEncoder` writes it for a server, masked.
    static func masked(_ frame: [UInt8]) -> [UInt8] {
        masked(frame, key: SecureRandom.bytes(4))
    }

    /// Sets the mask bit, inserts the key after the length and XORs the payload with it.
    static func masked(_ frame: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(key.count == 4 && frame.count >= 2 && frame[1] & 0x80 == 0, "an unmasked frame and a 4-byte key")
        let lengthBytes = switch frame[1] {
        case 126: 2
        case 127: 8
        default: 0
        }
        let headerLength = 2 + lengthBytes
        var bytes = Array(frame[..<headerLength])
        bytes.reserveCapacity(frame.count + 4)
        bytes[1] |= 0x80
        bytes += key
        for (index, byte) in frame[headerLength...].enumerated() {
            bytes.append(byte ^ key[index & 3])
        }
        return bytes
    }
}
