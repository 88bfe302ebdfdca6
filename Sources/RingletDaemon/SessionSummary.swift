import Glibc
import RingletSessions
import RingletSystem

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
        uptimeSeconds = UTCTime.parse(status.started).map { max(0, now - Int($0 / 1000)) } ?? 0
        idleSeconds = status.idleSeconds
        bytesIn = status.bytesIn
        bytesOut = status.bytesOut
        cols = status.cols
        rows = status.rows
        clients = status.clients.map { Client(address: $0.address, since: $0.since, bytesIn: $0.bytesIn, bytesOut: $0.bytesOut) }
        attachedClients = clients.count
    }
}
