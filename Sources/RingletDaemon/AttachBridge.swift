#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RingletSessions
import RingletSystem
import RingletWebSocket

/// One WebSocket client attached to one session: terminal bytes and control messages translated
/// between the WebSocket protocol the API documents and the session host's own frames. The daemon keeps
/// no terminal state of its own — the host owns the replay, the size and the exit code — so a daemon
/// restart loses nothing but these bridges, and clients simply reattach. A client that falls more than
/// `maxBuffered` behind is disconnected rather than buffered without bound; it reattaches with the replay.
final class AttachBridge: WebSocketDelegate {
    /// Text frames the client may send.
    struct Control: Decodable {
        var type: String
        var cols: UInt16?
        var rows: UInt16?
        var name: String?
    }

    let session: String
    /// The token the client authenticated with; when it is rotated away the bridge is closed.
    let token: DaemonToken
    let clientAddress: String
    private let maxBuffered: Int
    private var host: SessionHostConnection?
    private(set) var socket: WebSocketConnection?
    private var ended = false
    private let onEnd: (AttachBridge, String) -> Void

    /// Connects to the session's host; fails when the session does not exist or its host is gone.
    init(session: String, socketPath: String, token: DaemonToken, clientAddress: String, loop: EventLoop, maxBuffered: Int,
         onEnd: @escaping (AttachBridge, String) -> Void) throws(SessionError) {
        self.session = session
        self.token = token
        self.clientAddress = clientAddress
        self.maxBuffered = maxBuffered
        self.onEnd = onEnd
        var received: SessionHostConnection.MessageHandler = { _ in }
        var lost: SessionHostConnection.CloseHandler = { _ in }
        host = try SessionHostConnection(socketPath: socketPath, loop: loop, onMessage: { received($0) }, onClose: { lost($0) })
        received = { [unowned self] message in fromHost(message) }
        lost = { [unowned self] error in hostClosed(error) }
    }

    /// Starts the session's stream once the WebSocket is open: the replay first, then live output.
    func attached(_ connection: WebSocketConnection) {
        socket = connection
        host?.send(.attach(address: clientAddress, replay: true))
    }

    /// The upgrade failed: let the host go without a client ever having been attached.
    func abandon() {
        host?.close()
        host = nil
        ended = true
    }

    /// Closes the client's connection (a rotated token, the daemon stopping).
    func disconnect(code: WebSocketCloseCode, reason: String) {
        socket?.close(code: code, reason: reason)
    }

    private func fromHost(_ message: SessionHostMessage) {
        guard let socket, socket.isOpen else { return }
        switch message {
        case .replayStart: socket.send(text: #"{"type":"replay-start"}"#)
        case .replayEnd: socket.send(text: #"{"type":"replay-end"}"#)
        case let .output(bytes):
            socket.send(binary: bytes)
            if socket.bufferedBytes > maxBuffered {
                socket.close(code: .policyViolation, reason: "the client fell too far behind; reattach to get the replay")
            }
        case let .exit(code):
            socket.send(text: #"{"type":"exit","code":\#(code)}"#)
            socket.close(code: .normalClosure, reason: "the agent exited")
        case let .notice(text):
            socket.send(text: Self.json(["type": "notice", "message": text]))
        case .status, .attach, .input, .resize, .signal, .statusRequest, .terminate:
            break
        }
    }

    private func hostClosed(_ error: SessionError?) {
        host = nil
        guard let socket, socket.isOpen else { return }
        socket.close(code: .goingAway, reason: error.map { "the session's host failed: \($0)" } ?? "the session ended")
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary message: [UInt8]) {
        host?.send(.input(message))
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText message: String) {
        guard let control = try? JSONDecoder().decode(Control.self, from: Data(message.utf8)) else {
            connection.close(code: .invalidPayload, reason: "text frames must be JSON control messages")
            return
        }
        switch control.type {
        case "resize":
            guard let cols = control.cols, let rows = control.rows, (1...1000).contains(cols), (1...1000).contains(rows) else {
                connection.close(code: .invalidPayload, reason: "resize needs cols and rows from 1 to 1000")
                return
            }
            host?.send(.resize(cols: cols, rows: rows))
        case "signal":
            guard let name = control.name, let signal = SessionSignal(rawValue: name.uppercased()) else {
                let known = SessionSignal.allCases.map(\.rawValue).joined(separator: ", ")
                connection.send(text: Self.json(["type": "notice", "message": "unknown signal \(control.name ?? "(none)"); one of \(known)"]))
                return
            }
            host?.send(.signal(signal))
        default:
            // Unknown control types are ignored, so newer clients keep working with this daemon.
            break
        }
    }

    func webSocket(_ connection: WebSocketConnection, didCloseWith code: WebSocketCloseCode, reason: String) {
        host?.close()
        host = nil
        guard !ended else { return }
        ended = true
        onEnd(self, "\(code)\(reason.isEmpty ? "" : " " + reason)")
    }

    private static func json(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
