/// Why the peer's bytes cannot be accepted. Every case fails the connection, and RFC 6455
/// section 7.1.7 asks the endpoint to say why in its close frame, so each case carries the
/// code to send along with a message fit for a log.
public enum WebSocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Clients must mask every frame (section 5.1).
    case unmaskedFrame
    /// Servers must not mask any frame (section 5.1).
    case maskedFrame
    /// RSV1-3 are set but no extension was negotiated.
    case reservedBitsSet
    case unknownOpcode(UInt8)
    case fragmentedControlFrame
    case controlFrameTooLong(length: UInt64)
    /// A 64-bit payload length with its most significant bit set.
    case invalidLength
    /// A continuation frame arrived with no fragmented message open.
    case unexpectedContinuation
    /// A new text or binary frame arrived while a fragmented message was still open.
    case expectedContinuation
    /// The message would exceed the decoder's limit; nothing beyond the limit is buffered.
    case messageTooBig(limit: Int)
    /// A close frame whose payload is one byte long, too short for a status code.
    case truncatedCloseFrame
    case invalidCloseCode(UInt16)
    /// A text message or close reason that is not valid UTF-8.
    case invalidUTF8

    public var closeCode: WebSocketCloseCode {
        switch self {
        case .messageTooBig: .messageTooBig
        case .invalidUTF8: .invalidPayload
        default: .protocolError
        }
    }

    public var description: String {
        switch self {
        case .unmaskedFrame: "client frame is not masked"
        case .maskedFrame: "server frame is masked"
        case .reservedBitsSet: "frame has reserved bits set but no extension was negotiated"
        case let .unknownOpcode(opcode): "unknown opcode 0x\(String(opcode, radix: 16))"
        case .fragmentedControlFrame: "control frame is fragmented"
        case let .controlFrameTooLong(length): "control frame payload is \(length) bytes, more than 125"
        case .invalidLength: "64-bit payload length has its most significant bit set"
        case .unexpectedContinuation: "continuation frame without a fragmented message to continue"
        case .expectedContinuation: "new data frame while a fragmented message is still open"
        case let .messageTooBig(limit): "message is larger than the limit of \(limit) bytes"
        case .truncatedCloseFrame: "close frame payload is 1 byte, too short for a status code"
        case let .invalidCloseCode(code): "close code \(code) is not allowed on the wire"
        case .invalidUTF8: "text is not valid UTF-8"
        }
    }
}
