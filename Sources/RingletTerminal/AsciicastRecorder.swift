import Glibc
import RingletSystem

/// A terminal session written as it happens in asciicast v2 — a JSON header line, then one
/// `[seconds, "o", text]` line per chunk of output, `[seconds, "r", "COLSxROWS"]` per resize and, when
/// asked (`audit: true`), `[seconds, "i", text]` per chunk of input — the
/// format `asciinema play` and `asciinema cat` read, so "what did the agent show while I was away" is
/// answered by replaying the file.
///
/// Used by one thread (the terminal relay) once made. Output is split wherever a read ended; a UTF-8
/// sequence cut there is held back and joined to the next chunk, since every event must be valid text.
/// Each event is one write, so a crash loses at most the event being written.
public final class AsciicastRecorder: @unchecked Sendable {
    private let file: FileDescriptor
    private let started: ContinuousClock.Instant
    private var pending: [UInt8] = []
    private var pendingInput: [UInt8] = []
    /// Input is kept only when asked: what a person types can include passwords.
    private let recordsInput: Bool

    /// Creates `path` (0600; its folder 0700) and writes the header.
    public init(path: String, size: WindowSize, command: String, term: String?, recordsInput: Bool = false) throws(TerminalError) {
        self.recordsInput = recordsInput
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        do throws(SystemError) {
            if !folder.isEmpty { try Directory.create(folder, mode: 0o700) }
            file = try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600, operation: "create the recording")
        } catch {
            throw .call(operation: "create the recording \(path) (\(error))", errno: 0)
        }
        started = .now
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let env = term.map { ", \"env\": {\"TERM\": \(Self.quoted($0))}" } ?? ""
        write("{\"version\": 2, \"width\": \(size.columns), \"height\": \(size.rows), \"timestamp\": \(now.tv_sec), \"command\": \(Self.quoted(command))\(env)}")
    }

    public func output(_ bytes: ArraySlice<UInt8>) {
        pending += bytes
        let complete = Self.completePrefix(pending)
        guard complete > 0 else { return }
        event("o", String(decoding: pending[..<complete], as: UTF8.self))
        pending.removeFirst(complete)
    }

    /// What was typed, when input is recorded; ignored otherwise.
    public func input(_ bytes: ArraySlice<UInt8>) {
        guard recordsInput else { return }
        pendingInput += bytes
        let complete = Self.completePrefix(pendingInput)
        guard complete > 0 else { return }
        event("i", String(decoding: pendingInput[..<complete], as: UTF8.self))
        pendingInput.removeFirst(complete)
    }

    public func resize(_ size: WindowSize) {
        event("r", "\(size.columns)x\(size.rows)")
    }

    /// Writes what is held back (a cut sequence becomes U+FFFD) and closes the file.
    public func close() {
        if !pending.isEmpty { event("o", String(decoding: pending, as: UTF8.self)) }
        pending = []
        file.close()
    }

    private func event(_ kind: String, _ text: String) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        write("[\((seconds * 1_000_000).rounded() / 1_000_000), \"\(kind)\", \(Self.quoted(text))]")
    }

    private func write(_ line: String) {
        guard file.rawValue >= 0 else { return }
        try? file.writeAll(Array((line + "\n").utf8))
    }

    /// How many leading bytes end on a UTF-8 sequence boundary (a trailing sequence still missing bytes is left out).
    static func completePrefix(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        var back = 0
        while index > 0 && back < 4 {
            index -= 1
            back += 1
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 { continue }
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 1
            return length > back ? index : bytes.count
        }
        return bytes.count
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
