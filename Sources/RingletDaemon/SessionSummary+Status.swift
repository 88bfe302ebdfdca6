import Glibc
import RingletAPI
import RingletSessions
import RingletSystem

extension SessionSummary {
    /// The API's view of a host's status: snake_case keys, the uptime worked out, and the attached
    /// clients without the host's internal numbering.
    init(_ status: SessionStatus, now: Int = time(nil)) {
        self.init(id: status.id, profile: status.profile ?? "", agent: status.agent ?? "", state: status.state.rawValue,
                  exitCode: status.exitCode, started: status.started,
                  uptimeSeconds: UTCTime.parse(status.started).map { max(0, now - Int($0 / 1000)) } ?? 0,
                  idleSeconds: status.idleSeconds, bytesIn: status.bytesIn, bytesOut: status.bytesOut, cols: status.cols, rows: status.rows,
                  clients: status.clients.map { Client(address: $0.address, since: $0.since, bytesIn: $0.bytesIn, bytesOut: $0.bytesOut) })
    }
}
