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
        event("o", pending[..<complete])
        pending.removeFirst(complete)
    }

    /// What was typed, when input is recorded; ignored otherwise.
    public func input(_ bytes: ArraySlice<UInt8>) {
        guard recordsInput else { return }
        pendingInput += bytes
        let complete = Self.completePrefix(pendingInput)
        guard complete > 0 else { return }
        event("i", pendingInput[..<complete])
        pendingInput.removeFirst(complete)
    }

    public func resize(_ size: WindowSize) {
        event("r", Array("\(size.columns)x\(size.rows)".utf8)[...])
    }

    /// Writes what is held back (a cut sequence becomes U+FFFD) and closes the file.
    public func close() {
        if !pending.isEmpty { event("o", pending[...]) }
        pending = []
        file.close()
    }

    /// One event line, built on bytes: this runs for every chunk the agent prints, so it must cost
    /// little more than copying them.
    private func event(_ kind: String, _ text: ArraySlice<UInt8>) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var line = Array("[\((seconds * 1_000_000).rounded() / 1_000_000), \"\(kind)\", ".utf8)
        line.reserveCapacity(line.count + text.count + text.count / 8 + 8)
        Self.appendQuoted(text, to: &line)
        line += Array("]\n".utf8)
        write(line)
    }

    private func write(_ line: [UInt8]) {
        guard file.rawValue >= 0 else { return }
        try? file.writeAll(line)
    }

    private func write(_ line: String) {
        write(Array((line + "\n").utf8))
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
        var bytes: [UInt8] = []
        appendQuoted(Array(text.utf8)[...], to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as a JSON string literal appended to `line`: invalid UTF-8 becomes U+FFFD (every event must
    /// be valid text), quotes, backslashes and control characters are escaped, the rest is copied.
    static func appendQuoted(_ text: ArraySlice<UInt8>, to line: inout [UInt8]) {
        let valid: [UInt8] = String(validating: text, as: UTF8.self) == nil ? Array(String(decoding: text, as: UTF8.self).utf8) : Array(text)
        let hex = Array("0123456789abcdef".utf8)
        line.append(UInt8(ascii: "\""))
        for byte in valid {
            let escaped: UInt8? = switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
            case UInt8(ascii: "\n"): UInt8(ascii: "n")
            case UInt8(ascii: "\r"): UInt8(ascii: "r")
            case UInt8(ascii: "\t"): UInt8(ascii: "t")
            case 0 ..< 0x20, 0x7f: UInt8(ascii: "u")
            default: nil
            }
            guard let escaped else {
                line.append(byte)
                continue
            }
            line.append(UInt8(ascii: "\\"))
            line.append(escaped)
            if escaped == UInt8(ascii: "u") {
                line.append(UInt8(ascii: "0"))
                line.append(UInt8(ascii: "0"))
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0xf)])
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
