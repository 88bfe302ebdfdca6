/// Codex's session logs (`~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`): one JSON object a line,
/// `{"timestamp": …, "type": …, "payload": {…}}`. The model is named in `turn_context` lines
/// (`payload.model`), the session in the `session_meta` line (`payload.id`), and each model call's
/// tokens in an `event_msg` whose `payload.type` is `token_count`:
///
/// ```json
/// {"timestamp":"2025-11-18T21:55:56.513Z","type":"event_msg","payload":{"type":"token_count","info":{
///  "total_token_usage":{"input_tokens":…,"cached_input_tokens":…,"output_tokens":…,"reasoning_output_tokens":…,"total_tokens":…},
///  "last_token_usage":{…the same fields, for the last call…}}}}
/// ```
///
/// Checked against public descriptions of the format (not a run of Codex here): `last_token_usage` is
/// the call, its `input_tokens` include the cached ones (so input is input − cached, cache read is
/// cached; OpenAI bills no cache write), and `output_tokens` include reasoning. A `token_count` whose
/// cumulative total did not move is the same count repeated and is skipped; `info: null` (rate limits
/// only) has no usage.
public struct CodexSessionReader: UsageReader {
    public init() {}

    public var name: String { "codex-sessions" }

    public func mayHoldUsage(_ line: UnsafeRawBufferPointer) -> Bool {
        ByteSearch.contains(line, "\"token_count\"") || ByteSearch.contains(line, "\"turn_context\"")
            || ByteSearch.contains(line, "\"session_meta\"")
    }

    public func read(_ line: UnsafeRawBufferPointer, state: inout ReaderState) -> LineOutcome {
        var type: String?, timestamp: String?
        var payloadType: String?, model: String?, id: String?
        var last: TokenCounts?, total: Int64?
        var cursor = JSONCursor(line)
        let wellFormed = cursor.object { key, cursor in
            if key.equals("type") {
                type = cursor.string()
                return type != nil
            } else if key.equals("timestamp") {
                timestamp = cursor.string()
                return timestamp != nil
            } else if key.equals("payload") {
                guard cursor.peek() == UInt8(ascii: "{") else { return cursor.skipValue() }
                return cursor.object { key, cursor in
                    if key.equals("type") {
                        payloadType = cursor.string()
                        return payloadType != nil
                    } else if key.equals("model") {
                        guard let value = cursor.optionalString() else { return false }
                        model = value
                        return true
                    } else if key.equals("id") {
                        guard let value = cursor.optionalString() else { return false }
                        id = value
                        return true
                    } else if key.equals("info") {
                        guard cursor.peek() == UInt8(ascii: "{") else { return cursor.skipValue() }
                        return cursor.object { key, cursor in
                            if key.equals("last_token_usage") {
                                last = Self.usage(&cursor)?.counts
                                return last != nil
                            } else if key.equals("total_token_usage") {
                                total = Self.usage(&cursor)?.total
                                return total != nil
                            }
                            return cursor.skipValue()
                        }
                    }
                    return cursor.skipValue()
                }
            }
            return cursor.skipValue()
        }
        guard wellFormed, cursor.atEnd() else { return .malformed }
        switch type {
        case "session_meta":
            if let id { state.session = id }
            return .ignored
        case "turn_context":
            if let model { state.model = model }
            return .ignored
        case "event_msg" where payloadType == "token_count":
            guard let last else { return .ignored }
            if let total, total == state.lastTotal { return .ignored }
            guard let timestamp, let milliseconds = ISOTimestamp.milliseconds(timestamp) else { return .malformed }
            state.lastTotal = total
            return .usage(ParsedUsage(timestamp: milliseconds, model: state.model ?? "unknown", agentSession: state.session,
                                      callID: nil, tokens: last))
        default:
            return .ignored
        }
    }

    /// A token usage object: the call's counts split by how they are billed, and the running total.
    private static func usage(_ cursor: inout JSONCursor) -> (counts: TokenCounts, total: Int64)? {
        var input: Int64 = 0, cached: Int64 = 0, output: Int64 = 0, total: Int64?
        let ok = cursor.object { key, cursor in
            if key.equals("input_tokens") {
                guard let value = cursor.integer() else { return false }
                input = value
            } else if key.equals("cached_input_tokens") {
                guard let value = cursor.integer() else { return false }
                cached = value
            } else if key.equals("output_tokens") {
                guard let value = cursor.integer() else { return false }
                output = value
            } else if key.equals("total_tokens") {
                guard let value = cursor.integer() else { return false }
                total = value
            } else {
                return cursor.skipValue()
            }
            return true
        }
        guard ok, cached <= input else { return nil }
        return (TokenCounts(input: input - cached, output: output, cacheRead: cached), total ?? input + output)
    }
}
