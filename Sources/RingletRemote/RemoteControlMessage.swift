#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RingletTerminal

/// The JSON text messages of the `ringlet.v1` attach protocol; binary messages are the terminal's
/// bytes. A type this client does not know is kept as `.other` and ignored, so a newer daemon can
/// add messages without breaking older clients.
enum RemoteControlMessage: Equatable {
    case replayStart
    case replayEnd
    /// The agent ended; the daemon closes the connection next.
    case exit(code: Int32?)
    case notice(String)
    case other(String)

    /// nil when `text` is not a JSON object with a string `type`.
    init?(parsing text: String) {
        struct Envelope: Decodable {
            var type: String
            var code: Int32?
            var message: String?
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)) else { return nil }
        switch envelope.type {
        case "replay-start": self = .replayStart
        case "replay-end": self = .replayEnd
        case "exit": self = .exit(code: envelope.code)
        case "notice": self = .notice(envelope.message ?? "")
        case let type: self = .other(type)
        }
    }

    static func resize(_ size: WindowSize) -> String {
        "{\"type\":\"resize\",\"cols\":\(size.columns),\"rows\":\(size.rows)}"
    }
}
