import Foundation

/// A scripted stand-in for Anthropic's Messages API on 127.0.0.1, so the real Claude Code CLI can be
/// driven offline and deterministically: the test decides what "the model" answers, turn by turn, and
/// afterwards reads what Claude Code sent back (did the tool run? what did a hook's denial say?).
///
/// Point Claude Code at it with `ClaudeCode.environment(for:)`. `POST /v1/messages` is answered as the
/// API does, as Server-Sent Events when the request asks for `stream` (`message_start`, `ping`,
/// `content_block_start`/`_delta`/`_stop` with `text_delta` or `input_json_delta`, `message_delta` with
/// the stop reason and usage, `message_stop`) and as one JSON message otherwise.
///
/// Main turns and side requests: a request that offers tools is a turn of the agent loop and gets the
/// next scripted turn (then "done" once the script is used up); one without tools is one of Claude
/// Code's utility calls (the session title, summaries) and gets a short answer without using a turn:
/// "ok", or when it asks for JSON output (`output_config.format` json_schema, as the title request
/// does) an object with a placeholder for each property. The agent loop always sends its tool list and
/// the utility calls never do; the model name cannot tell them apart (Claude Code 2.1.330 asks for the
/// title with the main model). Also answered: `count_tokens`, and the connectivity check
/// `/api/hello`; anything else is the API's 404 error.
///
/// Every request is recorded before it is answered, so once Claude Code has exited `requests` holds
/// all of them. The server is a `PythonServer` child: stopped by `stop()` or deinit, and it exits by
/// itself when the test process dies and leaves it orphaned.
public final class AnthropicDouble: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// One scripted answer of "the model" to a turn of the agent loop.
    public struct Turn: Sendable {
        fileprivate enum Content: Sendable {
            case text(String)
            case toolUse(id: String, name: String, input: [String: any Sendable])
        }

        fileprivate let content: Content

        /// A final answer: `stop_reason` `end_turn`, so Claude Code ends the loop with this text.
        public static func text(_ text: String) -> Turn { Turn(content: .text(text)) }

        /// A call of the tool `name` with `input` (JSON values: strings, numbers, booleans, arrays and
        /// dictionaries of them), `stop_reason` `tool_use`. `id` is the `tool_use_id` Claude Code
        /// answers with; it must be unique within the conversation.
        public static func toolUse(_ name: String, input: [String: any Sendable], id: String = "toolu_double_\(UUID().uuidString.prefix(8))") -> Turn {
            Turn(content: .toolUse(id: id, name: name, input: input))
        }

        /// The `tool_use` id of a tool call; nil for a text turn.
        public var toolUseID: String? {
            if case let .toolUse(id, _, _) = content { return id }
            return nil
        }

        fileprivate var json: [String: Any] {
            switch content {
            case let .text(text): ["type": "text", "text": text]
            case let .toolUse(id, name, input): ["type": "tool_use", "id": id, "name": name, "input": input as [String: Any]]
            }
        }
    }

    /// One request as the double received it.
    public struct Request: Decodable, Sendable {
        public var method: String
        /// With the query (Claude Code asks for `/v1/messages?beta=true`).
        public var path: String
        /// Every header line in arrival order, `[name, value]`.
        public var headers: [[String]]
        /// The body as UTF-8 text.
        public var body: String
        /// The index in the script of the turn this request was answered with (at or past the script's
        /// end: the "done" answer); nil for a side request.
        public var turn: Int?

        public var isMainTurn: Bool { turn != nil }

        /// The body parsed as a JSON object.
        public var json: [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        }

        /// Every `tool_result` block in the request's messages, in order.
        public var toolResults: [ToolResult] {
            let messages = json?["messages"] as? [[String: Any]] ?? []
            return messages.flatMap { message -> [ToolResult] in
                guard message["role"] as? String == "user", let blocks = message["content"] as? [[String: Any]] else { return [] }
                return blocks.compactMap(ToolResult.init)
            }
        }
    }

    /// What Claude Code reported back for one tool call.
    public struct ToolResult: Sendable {
        public var toolUseID: String
        /// The result's text (a string content, or its text blocks joined).
        public var text: String
        public var isError: Bool

        init?(block: [String: Any]) {
            guard block["type"] as? String == "tool_result", let id = block["tool_use_id"] as? String else { return nil }
            toolUseID = id
            if let text = block["content"] as? String {
                self.text = text
            } else {
                let parts = block["content"] as? [[String: Any]] ?? []
                text = parts.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
            }
            isError = block["is_error"] as? Bool ?? false
        }
    }

    private let server: PythonServer
    private let folder: TemporaryDirectory
    private let logPath: String

    public var port: Int { server.port }
    /// What `ANTHROPIC_BASE_URL` is set to: no trailing slash, since the client appends `/v1/messages`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the double with `script`, answered in order to the agent loop's turns.
    public init(script: [Turn]) throws {
        let turns = script.map(\.json)
        guard JSONSerialization.isValidJSONObject(turns) else {
            throw Failure(description: "a scripted tool input is not made of JSON values: \(script)")
        }
        let scriptJSON = String(decoding: try JSONSerialization.data(withJSONObject: turns), as: UTF8.self)
        folder = try TemporaryDirectory("ringlet-anthropic-double")
        logPath = folder.file("requests.jsonl")
        server = try PythonServer(script: AnthropicDouble.python, arguments: [scriptJSON, logPath])
    }

    /// Every request so far, in arrival order.
    public var requests: [Request] {
        get throws {
            guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
            // Only whole lines: a request arriving now may be half written.
            return try data.split(separator: UInt8(ascii: "\n")).dropLast(data.last == UInt8(ascii: "\n") ? 0 : 1).map {
                try JSONDecoder().decode(Request.self, from: Data($0))
            }
        }
    }

    /// The first result Claude Code sent for the tool call `toolUseID`, nil when it sent none.
    public func toolResult(for toolUseID: String) throws -> ToolResult? {
        try requests.lazy.flatMap(\.toolResults).first { $0.toolUseID == toolUseID }
    }

    public func stop() {
        server.stop()
    }

    private static let python = #"""
    import http.server, socketserver, json, sys, threading, os, time

    script = json.loads(sys.argv[1])
    log_path = sys.argv[2]
    lock = threading.Lock()
    counts = {"turns": 0, "messages": 0}

    def exit_when_orphaned(parent):
        # Stopped by the test as a rule; this covers a test process that dies first (a crash, SIGKILL).
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()

    # Small fixed counts: a realistic count of Claude Code's prompt (~25k tokens) could only bring its
    # context compaction closer, which would send requests the script does not expect.
    USAGE = {"input_tokens": 100, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 10}

    def placeholder(schema):
        kind = schema.get("type")
        if kind == "object":
            return {name: placeholder(sub) for name, sub in (schema.get("properties") or {}).items()}
        return {"string": "test double", "integer": 0, "number": 0, "boolean": False, "array": []}.get(kind)

    def side_answer(request):
        output_format = (request.get("output_config") or {}).get("format") or {}
        if output_format.get("type") == "json_schema":
            return json.dumps(placeholder(output_format.get("schema") or {}))
        return "ok"

    def content_of(turn):
        if turn["type"] == "tool_use":
            return [{"type": "tool_use", "id": turn["id"], "name": turn["name"], "input": turn["input"]}], "tool_use"
        return [{"type": "text", "text": turn["text"]}], "end_turn"

    class Handler(http.server.BaseHTTPRequestHandler):
        # Claude Code's client keeps connections alive: answers carry a length or are chunked.
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            route = self.path.split("?")[0]
            try:
                request = json.loads(body) if body else None
            except ValueError:
                request = None
            if not isinstance(request, dict):
                request = None
            with lock:
                turn = None
                if route == "/v1/messages" and request is not None and request.get("tools"):
                    turn = counts["turns"]
                    counts["turns"] += 1
                counts["messages"] += 1
                number = counts["messages"]
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps({"method": self.command, "path": self.path, "turn": turn,
                                          "headers": [[k, v] for k, v in self.headers.items()],
                                          "body": body.decode("utf-8", "replace")}) + "\n")
            if self.command == "POST" and route == "/v1/messages" and request is not None:
                if turn is None:
                    content, stop = [{"type": "text", "text": side_answer(request)}], "end_turn"
                else:
                    content, stop = content_of(script[turn] if turn < len(script) else {"type": "text", "text": "done"})
                message = {"id": "msg_double_%d" % number, "type": "message", "role": "assistant", "model": request.get("model"),
                           "content": content, "stop_reason": stop, "stop_sequence": None, "usage": USAGE}
                if request.get("stream"):
                    self.stream(message, number)
                else:
                    self.send_json(200, message, number)
            elif self.command == "POST" and route == "/v1/messages/count_tokens" and request is not None:
                self.send_json(200, {"input_tokens": USAGE["input_tokens"]}, number)
            elif route == "/api/hello":
                self.begin(200, "text/plain", number, {"Content-Length": "0"})
            else:
                self.send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                     "message": "the test double does not serve %s %s" % (self.command, route)}}, number)

        def begin(self, status, content_type, number, headers):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("request-id", "req_double_%d" % number)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def send_json(self, status, value, number):
            data = json.dumps(value).encode()
            self.begin(status, "application/json", number, {"Content-Length": str(len(data))})
            if self.command != "HEAD":
                self.wfile.write(data)

        def stream(self, message, number):
            self.begin(200, "text/event-stream; charset=utf-8", number, {"Cache-Control": "no-cache", "Transfer-Encoding": "chunked"})
            def send(data):
                event = ("event: %s\ndata: %s\n\n" % (data["type"], json.dumps(data))).encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            send({"type": "message_start", "message": dict(message, content=[], stop_reason=None, usage=dict(USAGE, output_tokens=1))})
            send({"type": "ping"})
            for index, block in enumerate(message["content"]):
                if block["type"] == "tool_use":
                    send({"type": "content_block_start", "index": index, "content_block": dict(block, input={})})
                    # As the API does: an empty first fragment, then the JSON in pieces that cut through tokens.
                    whole = json.dumps(block["input"])
                    for piece in [""] + [whole[i:i + 10] for i in range(0, len(whole), 10)]:
                        send({"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": piece}})
                else:
                    send({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
                    text = block["text"]
                    for piece in [text[i:i + 10] for i in range(0, len(text), 10)]:
                        send({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})
                send({"type": "content_block_stop", "index": index})
            send({"type": "message_delta", "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None}, "usage": USAGE})
            send({"type": "message_stop"})
            self.wfile.write(b"0\r\n\r\n")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
