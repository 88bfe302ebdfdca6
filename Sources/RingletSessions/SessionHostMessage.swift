#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One message of the session protocol between a session host and its clients (the daemon, the CLI).
///
/// Framed as `[type: 1 byte][length: 4 bytes, big-endian][payload]` so terminal bytes travel as they are,
/// with no escaping and no JSON around every keystroke; the few structured messages carry small JSON
/// payloads, which stay readable and can grow fields without a new type. Client-to-host types are below
/// 0x80 and host-to-client types above, so a frame sent the wrong way is recognisably wrong.
public enum SessionHostMessage: Sendable, Equatable {
    // Client to host.
    /// Start receiving output; with `replay`, first what the replay buffer holds. `address` says who the
    /// client is (a browser's IP, "cli") for status listings.
    case attach(address: String, replay: Bool)
    case input([UInt8])
    case resize(cols: UInt16, rows: UInt16)
    case signal(SessionSignal)
    case statusRequest
    /// End the agent (SIGTERM, then SIGKILL after a grace period), or, once it exited, the session.
    case terminate

    // Host to client.
    case replayStart
    case output([UInt8])
    case replayEnd
    /// The agent exited with `code` (128 + signal when a signal ended it).
    case exit(code: Int32)
    case status(SessionStatus)
    /// Something a person watching should be told (the idle timeout ended the agent).
    case notice(String)

    /// Room for a full output chunk or replay piece and the frame around it.
    public static let maximumPayload = (1 << 20) + 4096
    static let headerLength = 5

    enum Kind: UInt8 {
        case attach = 0x01, input = 0x02, resize = 0x03, signal = 0x04, statusRequest = 0x05, terminate = 0x06
        case replayStart = 0x81, output = 0x82, replayEnd = 0x83, exit = 0x84, status = 0x85, notice = 0x86
    }

    struct AttachPayload: Codable { var address: String; var replay: Bool }
    struct ResizePayload: Codable { var cols: UInt16; var rows: UInt16 }
    struct SignalPayload: Codable { var name: SessionSignal }
    struct ExitPayload: Codable { var code: Int32 }

    /// The message as a frame, ready to write. Input or output longer than one frame holds becomes several
    /// frames in a row, so a caller never has to know the limit (a large paste is still delivered whole).
    public func encoded() -> [UInt8] {
        switch self {
        case let .attach(address, replay): Self.frame(.attach, Self.json(AttachPayload(address: address, replay: replay)))
        case let .input(bytes): Self.frames(.input, bytes)
        case let .resize(cols, rows): Self.frame(.resize, Self.json(ResizePayload(cols: cols, rows: rows)))
        case let .signal(signal): Self.frame(.signal, Self.json(SignalPayload(name: signal)))
        case .statusRequest: Self.frame(.statusRequest, [])
        case .terminate: Self.frame(.terminate, [])
        case .replayStart: Self.frame(.replayStart, [])
        case let .output(bytes): Self.frames(.output, bytes)
        case .replayEnd: Self.frame(.replayEnd, [])
        case let .exit(code): Self.frame(.exit, Self.json(ExitPayload(code: code)))
        case let .status(status): Self.frame(.status, Self.json(status))
        case let .notice(text): Self.frame(.notice, Array(text.utf8.prefix(Self.maximumPayload)))
        }
    }

    private static func frames(_ kind: Kind, _ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > maximumPayload else { return frame(kind, bytes[...]) }
        return stride(from: 0, to: bytes.count, by: maximumPayload).flatMap { start in
            frame(kind, bytes[start ..< min(start + maximumPayload, bytes.count)])
        }
    }

    private static func frame(_ kind: Kind, _ payload: some Collection<UInt8>) -> [UInt8] {
        let length = UInt32(payload.count)
        return [kind.rawValue, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + payload
    }

    /// The message a complete frame's type byte and payload spell.
    static func decode(kind rawKind: UInt8, payload: ArraySlice<UInt8>) throws(SessionError) -> SessionHostMessage {
        guard let kind = Kind(rawValue: rawKind) else { throw .malformedFrame("unknown frame type 0x\(String(rawKind, radix: 16))") }
        switch kind {
        case .attach:
            let attach = try decodeJSON(AttachPayload.self, payload, kind)
            return .attach(address: attach.address, replay: attach.replay)
        case .input: return .input(Array(payload))
        case .resize:
            let size = try decodeJSON(ResizePayload.self, payload, kind)
            guard size.cols > 0, size.rows > 0 else { throw .malformedFrame("resize to \(size.cols)x\(size.rows): both must be above 0") }
            return .resize(cols: size.cols, rows: size.rows)
        case .signal: return .signal(try decodeJSON(SignalPayload.self, payload, kind).name)
        case .statusRequest: try expectEmpty(payload, kind); return .statusRequest
        case .terminate: try expectEmpty(payload, kind); return .terminate
        case .replayStart: try expectEmpty(payload, kind); return .replayStart
        case .output: return .output(Array(payload))
        case .replayEnd: try expectEmpty(payload, kind); return .replayEnd
        case .exit: return .exit(code: try decodeJSON(ExitPayload.self, payload, kind).code)
        case .status: return .status(try decodeJSON(SessionStatus.self, payload, kind))
        case .notice: return .notice(String(decoding: payload, as: UTF8.self))
        }
    }

    private static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { Array($0) } ?? Array("{}".utf8)
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ payload: ArraySlice<UInt8>, _ kind: Kind) throws(SessionError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(payload))
        } catch {
            throw .malformedFrame("the \(kind) frame's payload is not the JSON it should be (\(error))")
        }
    }

    private static func expectEmpty(_ payload: ArraySlice<UInt8>, _ kind: Kind) throws(SessionError) {
        guard payload.isEmpty else { throw .malformedFrame("the \(kind) frame carries \(payload.count) bytes but takes none") }
    }
}
