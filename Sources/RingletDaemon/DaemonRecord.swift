#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import RingletSystem

/// Where a running daemon can be found: `<runtime>/daemon.json`, written once it listens and removed
/// when it stops, so `ringlet daemon status|stop` need no port scan and no guess. A record whose
/// process is gone (the daemon was killed) is stale and reads as "not running".
public struct DaemonRecord: Codable, Sendable, Equatable {
    public static let fileName = "daemon.json"

    public var pid: Int32
    /// The address it listens on, as given to --listen after resolving port 0.
    public var listen: String
    /// The base URL clients use: http:// or https://.
    public var url: String
    public var started: String
    public var version: String

    public init(pid: Int32, listen: String, url: String, started: String, version: String) {
        self.pid = pid
        self.listen = listen
        self.url = url
        self.started = started
        self.version = version
    }

    public static func path(runtimeDirectory: String) -> String {
        runtimeDirectory + "/" + fileName
    }

    public func write(runtimeDirectory: String) throws(DaemonError) {
        do throws(SystemError) {
            try Directory.create(runtimeDirectory, mode: 0o700)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(self) else { return }
            try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: Self.path(runtimeDirectory: runtimeDirectory), mode: 0o600)
        } catch {
            throw .record("cannot write \(Self.path(runtimeDirectory: runtimeDirectory)): \(error)")
        }
    }

    /// The record of a daemon that is running now, or nil.
    public static func running(runtimeDirectory: String) -> DaemonRecord? {
        guard let text = try? FileBytes.readString(path(runtimeDirectory: runtimeDirectory), limit: 64 << 10),
              let record = try? JSONDecoder().decode(DaemonRecord.self, from: Data(text.utf8)),
              isAlive(record.pid)
        else { return nil }
        return record
    }

    /// Whether process `pid` exists and has not exited: a killed daemon whose parent does not reap it
    /// stays a zombie, which `kill(pid, 0)` alone would take for a running daemon.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? FileBytes.readString("/proc/\(pid)/stat", limit: 4096),
              let end = stat.lastIndex(of: ")") else { return true }
        // The state letter follows the command name, which is in parentheses and may contain anything.
        return String(stat[stat.index(after: end)...]).trimmingWhitespace.first != "Z"
    }

    /// Removes the record if it is this process's, so a newer daemon's record is never taken away.
    public static func remove(runtimeDirectory: String, pid: Int32) {
        let path = path(runtimeDirectory: runtimeDirectory)
        guard let text = try? FileBytes.readString(path, limit: 64 << 10),
              let record = try? JSONDecoder().decode(DaemonRecord.self, from: Data(text.utf8)), record.pid == pid
        else { return }
        unlink(path)
    }
}
