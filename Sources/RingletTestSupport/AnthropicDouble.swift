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
        let turnsFile = try folder.write("turns.json", scriptJSON)
        // The double users try profiles with (the README's recipe) is the one the tests run.
        guard let root = ClaudeCode.packageRoot(),
              let program = try? String(contentsOfFile: root + "/Examples/anthropic-double/anthropic_double.py", encoding: .utf8) else {
            throw Failure(description: "Examples/anthropic-double/anthropic_double.py not found above the test bundle")
        }
        server = try PythonServer(script: program, arguments: [turnsFile, logPath])
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
}
