#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import RingletManifest
import RingletSessions
import RingletSystem

/// `ringlet sessions list|replay`: the recordings of past terminal sessions (asciicast v2 files in
/// `~/.local/state/ringlet/recordings/`), listed and played back in this terminal.
enum SessionsCommands {
    static var command: Command {
        Command("sessions", summary: "recorded terminal sessions: list them, replay one, prune old ones", subcommands: [list, replay, prune])
    }

    struct Header: Decodable {
        var width: Int
        var height: Int
        var timestamp: Int?
        var command: String?
    }

    /// An event line: `[seconds, "o" | "r" | "i", text]`.
    struct Event: Decodable {
        var time: Double
        var kind: String
        var text: String

        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            time = try container.decode(Double.self)
            kind = try container.decode(String.self)
            text = try container.decode(String.self)
        }
    }

    static let list = Command(
        "list", summary: "sessions, newest first: the daemon's live ones and every recorded one",
        discussion: "STATE is running or exited for a session whose host still runs (the daemon's sessions), ended for a recording only.",
        options: [Command.jsonOption]
    ) { (invocation) throws(CLIError) in
        let folder = invocation.context.directories.state + "/recordings"
        struct Row: Encodable { var id: String, state: String, started: String, seconds: Double, size: String, command: String, bytes: Int }
        let sessions = SessionDirectory(runtime: invocation.context.directories.runtime)
        var live: [String: SessionStatus] = [:]
        for metadata in sessions.sessions() {
            live[metadata.id] = try? SessionHostConnection.status(socketPath: sessions.socketPath(for: metadata.id))
        }
        var rows: [Row] = []
        for name in ((try? Directory.contents(folder)) ?? []) where name.hasSuffix(".cast") {
            guard let (header, events, bytes) = try? read(folder + "/" + name) else { continue }
            let id = String(name.dropLast(5))
            rows.append(Row(id: id, state: live[id]?.state.rawValue ?? "ended", started: header.timestamp.map { UTCTime.format(seconds: $0) } ?? "?",
                            seconds: events.last?.time ?? 0, size: "\(header.width)x\(header.height)", command: header.command ?? "", bytes: bytes))
        }
        for (id, status) in live where !rows.contains(where: { $0.id == id }) {
            rows.append(Row(id: id, state: status.state.rawValue, started: status.started, seconds: 0, size: "\(status.cols)x\(status.rows)",
                            command: "profile \(status.profile ?? "?")", bytes: 0))
        }
        rows.sort { $0.started > $1.started }
        if invocation.json { try JSONOutput.print(rows); return .success }
        guard !rows.isEmpty else {
            Console.out("no sessions yet; `ringlet run` on a terminal records one, `ringlet daemon` serves live ones")
            return .success
        }
        var table = TextTable(["ID", "STATE", "STARTED", "SECONDS", "SIZE", "COMMAND"])
        for row in rows { table.add([row.id, row.state, row.started, String((row.seconds * 10).rounded() / 10), row.size, row.command]) }
        Console.out(table.text)
        return .success
    }

    static let replay = Command(
        "replay", summary: "play a recorded session in this terminal",
        options: [.init("speed", value: "N", help: "play N times as fast (default 1)"),
                  .init("idle-limit", value: "TIME", help: "cut pauses longer than this (e.g. 1s)")],
        arguments: [.init("ID", help: "the session (see `ringlet sessions list`)")]
    ) { (invocation) throws(CLIError) in
        let id = invocation.arguments[0]
        guard !id.contains("/"), !id.hasPrefix(".") else { throw .usage("no session \(id)", usage: invocation.usage) }
        let path = invocation.context.directories.state + "/recordings/" + id + ".cast"
        guard FileStatus.of(path).exists else { throw .failed("no session \(id) (looked for \(path)); `ringlet sessions list` shows them") }
        let speed = try invocation.value("speed").map { (text) throws(CLIError) -> Double in
            guard let value = Double(text), value > 0 else { throw .usage("--speed takes a number above 0, got '\(text)'", usage: invocation.usage) }
            return value
        } ?? 1
        var idleLimit = Double.infinity
        if let text = invocation.value("idle-limit") {
            guard let value = DurationValue(parsing: text) else {
                throw .usage("--idle-limit takes a duration like 500ms or 2s, got '\(text)'", usage: invocation.usage)
            }
            idleLimit = Double(value.milliseconds) / 1000
        }
        let (_, events, _): (Header, [Event], Int)
        do {
            (_, events, _) = try read(path)
        } catch {
            throw .invalidInput("\(path) is not an asciicast v2 recording: \(error)")
        }
        var previous = 0.0
        for event in events where event.kind == "o" {
            let pause = min(event.time - previous, idleLimit) / speed
            previous = event.time
            if pause > 0 { usleep(UInt32(min(pause, 3600) * 1_000_000)) }
            Console.write(event.text, to: STDOUT_FILENO)
        }
        return .success
    }

    static let prune = Command(
        "prune", summary: "delete recordings older than --keep, then the oldest until all fit in --max-size",
        options: [.init("keep", value: "AGE", help: "keep recordings younger than this (30d, 12h)"),
                  .init("max-size", value: "SIZE", help: "keep at most this much, newest first (500M, 2G)")]
    ) { (invocation) throws(CLIError) in
        guard invocation.value("keep") != nil || invocation.value("max-size") != nil else {
            throw .usage("say what to keep: --keep AGE and/or --max-size SIZE", usage: invocation.usage)
        }
        var keepSeconds = Int.max
        if let text = invocation.value("keep") {
            guard let age = Age.milliseconds(text), age > 0 else {
                throw .usage("--keep takes an age like 30d, 12h or 90m, got '\(text)'", usage: invocation.usage)
            }
            keepSeconds = Int(age / 1000)
        }
        var maxBytes = Int.max
        if let text = invocation.value("max-size") {
            guard let size = ByteSize(parsing: text) else { throw .usage("--max-size takes a size like 500M or 2G, got '\(text)'", usage: invocation.usage) }
            maxBytes = size.bytes
        }
        let folder = invocation.context.directories.state + "/recordings"
        var recordings: [(path: String, modified: Int, bytes: Int)] = []
        for name in ((try? Directory.contents(folder)) ?? []) where name.hasSuffix(".cast") {
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            recordings.append((folder + "/" + name, Int(info.st_mtim.tv_sec), Int(info.st_size)))
        }
        recordings.sort { $0.modified > $1.modified }
        let now = Int(time(nil))
        var kept = 0, removed = 0
        for recording in recordings {
            if now - recording.modified <= keepSeconds && kept + recording.bytes <= maxBytes {
                kept += recording.bytes
            } else if unlink(recording.path) == 0 {
                removed += 1
            }
        }
        Console.out("removed \(removed) recording\(removed == 1 ? "" : "s"); \(recordings.count - removed) kept (\(kept) bytes)")
        return .success
    }

    static func read(_ path: String) throws -> (Header, [Event], Int) {
        let bytes = try FileBytes.read(path, limit: 1 << 30)
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first else { throw CLIError.invalidInput("\(path) is empty") }
        let decoder = JSONDecoder()
        let header = try decoder.decode(Header.self, from: Data(first))
        let events = lines.dropFirst().compactMap { try? decoder.decode(Event.self, from: Data($0)) }
        return (header, events, bytes.count)
    }
}
