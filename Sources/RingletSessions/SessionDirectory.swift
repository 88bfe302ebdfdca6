import Glibc
import RingletSystem

/// `<runtime>/sessions/`: where session hosts publish themselves, one socket and one metadata file each.
///
/// The folder is the registry of running sessions, so a daemon that restarted (or a CLI without a daemon)
/// finds them by listing it, with no database that could disagree with what is really running. A host that
/// was killed leaves its files behind; listing notices (the socket refuses, or the host's process is gone)
/// and removes them, so stale sessions disappear on the next look.
public struct SessionDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The sessions folder under Ringlet's runtime folder (`RingletDirectories.runtime`).
    public init(runtime: String) {
        path = runtime + "/sessions"
    }

    /// Creates the folder, private to the user (0700), since its sockets drive agents.
    public func create() throws(SessionError) {
        do throws(SystemError) {
            try Directory.create(path, mode: 0o700)
        } catch {
            throw .unusableFolder(path: path, reason: error.description)
        }
        chmod(path, 0o700)
    }

    public func socketPath(for id: String) -> String { path + "/" + id + ".sock" }

    public func metadataPath(for id: String) -> String { path + "/" + id + ".json" }

    /// Whether `id` can name a session: it becomes a file name, so letters, digits, `-`, `_` and `.`, not
    /// leading with `.`, short enough that the socket path fits a unix socket address.
    public static func isValid(id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && !id.hasPrefix(".")
            && id.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// The sessions whose host answers, oldest first; files of hosts that are gone are removed.
    public func sessions() -> [SessionMetadata] {
        var found: [SessionMetadata] = []
        for name in (try? Directory.contents(path)) ?? [] where name.hasSuffix(".json") {
            let id = String(name.dropLast(5))
            guard let bytes = try? FileBytes.read(metadataPath(for: id)), let metadata = SessionMetadata.decode(bytes), metadata.id == id else {
                continue
            }
            switch liveness(metadata) {
            case .live: found.append(metadata)
            case .busy: continue
            case .gone:
                unlink(socketPath(for: id))
                unlink(metadataPath(for: id))
            }
        }
        return found.sorted { ($0.started, $0.id) < ($1.started, $1.id) }
    }

    private enum Liveness { case live, busy, gone }

    /// A host publishes its metadata only once its socket listens, and removes the socket first when it
    /// leaves; so a socket that refuses (or is missing) next to metadata belongs to a host that is gone or
    /// going, unless its process still runs and is merely between the two steps.
    private func liveness(_ metadata: SessionMetadata) -> Liveness {
        do throws(SystemError) {
            try UnixSocket.connect(path: socketPath(for: metadata.id)).close()
            return .live
        } catch {
            if error.errno == EAGAIN { return .busy }
            let hostRuns = kill(metadata.hostPid, 0) == 0 || errno == EPERM
            return hostRuns && error.errno != ECONNREFUSED ? .busy : .gone
        }
    }
}

private extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a") ... UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A") ... UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(self)
    }
}
