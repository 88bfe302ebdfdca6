#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The file `<runtime>/sessions/<id>.json` next to a session's socket: what a daemon that restarted (or a
/// CLI that never talked to one) needs to find the session and say what it is without asking the host.
/// Written once, atomically, after the socket listens, so a reader that sees the file can connect.
public struct SessionMetadata: Codable, Sendable, Equatable {
    public var id: String
    public var profile: String?
    public var agent: String?
    public var command: [String]
    public var hostPid: Int32
    public var childPid: Int32
    /// ISO-8601 UTC.
    public var started: String
    public var cols: UInt16
    public var rows: UInt16

    public init(id: String, profile: String?, agent: String?, command: [String], hostPid: Int32, childPid: Int32,
                started: String, cols: UInt16, rows: UInt16) {
        self.id = id
        self.profile = profile
        self.agent = agent
        self.command = command
        self.hostPid = hostPid
        self.childPid = childPid
        self.started = started
        self.cols = cols
        self.rows = rows
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)).map { Array($0) } ?? []) + [0x0A]
    }

    public static func decode(_ bytes: [UInt8]) -> SessionMetadata? {
        try? JSONDecoder().decode(SessionMetadata.self, from: Data(bytes))
    }
}
