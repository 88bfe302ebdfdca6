import Glibc
import RingletSessions

/// A session as the API shows it (`GET /api/sessions[/ID]`): the host's own status with snake_case
/// keys, the uptime worked out, and the clients without the host's internal numbering.
public struct SessionSummary: Encodable, Sendable, Equatable {
    public struct Client: Encodable, Sendable, Equatable {
        public var address: String
        public var since: String
        public var bytesIn: UInt64
        public var bytesOut: UInt64

        enum CodingKeys: String, CodingKey {
            case address, since
            case bytesIn = "bytes_in"
            case bytesOut = "bytes_out"
        }
    }

    public var id: String
    public var profile: String
    public var agent: String
    public var state: String
    public var exitCode: Int32?
    public var started: String
    public var uptimeSeconds: Int
    public var idleSeconds: Int
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var cols: UInt16
    public var rows: UInt16
    public var attachedClients: Int
    public var clients: [Client]

    enum CodingKeys: String, CodingKey {
        case id, profile, agent, state, started, cols, rows, clients
        case exitCode = "exit_code"
        case uptimeSeconds = "uptime_seconds"
        case idleSeconds = "idle_seconds"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case attachedClients = "attached_clients"
    }

    public init(_ status: SessionStatus, now: Int = time(nil)) {
        id = status.id
        profile = status.profile ?? ""
        agent = status.agent ?? ""
        state = status.state.rawValue
        exitCode = status.exitCode
        started = status.started
        uptimeSeconds = Self.secondsSinceEpoch(status.started).map { max(0, now - $0) } ?? 0
        idleSeconds = status.idleSeconds
        bytesIn = status.bytesIn
        bytesOut = status.bytesOut
        cols = status.cols
        rows = status.rows
        clients = status.clients.map { Client(address: $0.address, since: $0.since, bytesIn: $0.bytesIn, bytesOut: $0.bytesOut) }
        attachedClients = clients.count
    }

    /// "2026-11-22T06:00:00Z" as seconds since the epoch; nil for anything else.
    static func secondsSinceEpoch(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? { Int32(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return timegm(&parts)
    }
}
