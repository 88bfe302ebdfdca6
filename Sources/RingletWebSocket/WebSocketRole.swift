/// Which end of a connection a decoder works for. It decides the masking rule (RFC 6455
/// section 5.1): a server takes only masked frames, a client only unmasked ones, and each
/// must fail the connection otherwise.
public enum WebSocketRole: Sendable, Equatable {
    case server
    case client
}
