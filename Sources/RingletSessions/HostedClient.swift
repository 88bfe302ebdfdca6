import RingletSystem

/// A connection to a session host, as the host keeps it: its socket, what it still has to be sent, and
/// what the status listing reports about it. Loop-confined, like the host.
final class HostedClient {
    let id: Int
    let socket: FileDescriptor
    /// When it connected, ISO-8601 UTC.
    let since: String
    var address = "unknown"
    /// Attached clients get the agent's output; a client that only asks for status never does.
    var attached = false
    var decoder = SessionFrameDecoder()
    var outgoing = OutgoingBytes()
    var watchesWritable = false
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    /// The size it last asked for, applied again whenever it becomes the active client.
    var size: (cols: UInt16, rows: UInt16)?

    init(id: Int, socket: FileDescriptor, since: String) {
        self.id = id
        self.socket = socket
        self.since = since
    }

    var status: SessionStatus.Client {
        SessionStatus.Client(id: id, address: address, since: since, bytesIn: bytesIn, bytesOut: bytesOut)
    }
}
