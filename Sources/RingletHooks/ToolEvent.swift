#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A tool call an agent is about to make, as its pre-tool-use event says: the tool's name, its input
/// as JSON, and the whole event for hooks that want more.
///
/// Claude Code sends `{"session_id", "cwd", "hook_event_name": "PreToolUse", "tool_name", "tool_input", …}`
/// on the hook's stdin; only `tool_name` is required, so a hook can be tried by hand with a short event.
public struct ToolEvent: Sendable, Equatable {
    public var toolName: String
    /// `tool_input` re-encoded compactly with sorted keys (`{}` when absent).
    public var toolInput: String
    /// The event as it came.
    public var raw: [UInt8]

    public init(toolName: String, toolInput: String, raw: [UInt8]) {
        self.toolName = toolName
        self.toolInput = toolInput
        self.raw = raw
    }

    public init(parsing bytes: [UInt8]) throws(HookError) {
        struct Event: Decodable {
            var tool_name: String
            var tool_input: JSONValue?
        }
        let event: Event
        do {
            event = try JSONDecoder().decode(Event.self, from: Data(bytes))
        } catch {
            throw .badEvent("the tool event is not JSON with a \"tool_name\" string: \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = (try? encoder.encode(event.tool_input ?? .object([:]))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(toolName: event.tool_name, toolInput: input, raw: bytes)
    }

    /// An event for `hooks test`: the agent's shape, made from a tool name and its input.
    public static func made(tool: String, input: String) throws(HookError) -> ToolEvent {
        let name = String(decoding: (try? JSONEncoder().encode(tool)) ?? Data("\"\"".utf8), as: UTF8.self)
        return try ToolEvent(parsing: Array("{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\(name),\"tool_input\":\(input)}".utf8))
    }
}

/// Any JSON value, so a tool's input passes through whatever its shape.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
