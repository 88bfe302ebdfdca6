/// Claude Code's session transcripts (`~/.claude/projects/<project>/<session>.jsonl`): one JSON object a
/// line; each assistant message carries the API's `usage` in `message.usage`, with `message.model`,
/// `message.id`, the line's `timestamp` and `sessionId`:
///
/// ```json
/// {"type":"assistant","message":{"id":"msg_…","model":"claude-sonnet-5-5","usage":{"input_tokens":100,
///  "cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10,…},…},
///  "sessionId":"faf003cb-…","timestamp":"2026-11-22T06:43:41.835Z",…}
/// ```
///
/// A message with several content blocks is written once per block, each line with the message's id and
/// usage, and a resumed session copies earlier messages into its new file: the message id is the call's
/// identity, so it counts once. Claude Code's own `<synthetic>` messages (errors it made up, no API
/// call) carry no tokens and are ignored.
public struct ClaudeTranscriptReader: UsageReader {
    public init() {}

    public var name: String { "claude-transcripts" }

    public func mayHoldUsage(_ line: UnsafeRawBufferPointer) -> Bool {
        ByteSearch.contains(line, "\"usage\"")
    }

    public func read(_ line: UnsafeRawBufferPointer, state: inout ReaderState) -> LineOutcome {
        var type: String?, timestamp: String?, session: String?, messageID: String?, model: String?
        var tokens: TokenCounts?
        var cursor = JSONCursor(line)
        let wellFormed = cursor.object { key, cursor in
            if key.equals("type") {
                type = cursor.string()
                return type != nil
            } else if key.equals("timestamp") {
                timestamp = cursor.string()
                return timestamp != nil
            } else if key.equals("sessionId") {
                guard let value = cursor.optionalString() else { return false }
                session = value
                return true
            } else if key.equals("message") {
                return Self.message(&cursor, id: &messageID, model: &model, tokens: &tokens)
            }
            return cursor.skipValue()
        }
        guard wellFormed, cursor.atEnd() else { return .malformed }
        guard type == "assistant", let tokens else { return .ignored }
        guard let model, let timestamp, let milliseconds = ISOTimestamp.milliseconds(timestamp) else { return .malformed }
        if model == "<synthetic>" && tokens.total == 0 { return .ignored }
        return .usage(ParsedUsage(timestamp: milliseconds, model: model, agentSession: session, callID: messageID, tokens: tokens))
    }

    /// `message` is an object for assistant lines and may be a string or another shape on other lines.
    private static func message(_ cursor: inout JSONCursor, id: inout String?, model: inout String?, tokens: inout TokenCounts?) -> Bool {
        guard cursor.peek() == UInt8(ascii: "{") else { return cursor.skipValue() }
        return cursor.object { key, cursor in
            if key.equals("id") {
                guard let value = cursor.optionalString() else { return false }
                id = value
                return true
            } else if key.equals("model") {
                guard let value = cursor.optionalString() else { return false }
                model = value
                return true
            } else if key.equals("usage") {
                guard cursor.peek() == UInt8(ascii: "{") else { return cursor.skipValue() }
                var counts = TokenCounts()
                let ok = cursor.object { key, cursor in
                    if key.equals("input_tokens") {
                        guard let value = cursor.integer() else { return false }
                        counts.input = value
                    } else if key.equals("output_tokens") {
                        guard let value = cursor.integer() else { return false }
                        counts.output = value
                    } else if key.equals("cache_creation_input_tokens") {
                        guard let value = cursor.integer() else { return false }
                        counts.cacheWrite = value
                    } else if key.equals("cache_read_input_tokens") {
                        guard let value = cursor.integer() else { return false }
                        counts.cacheRead = value
                    } else {
                        return cursor.skipValue()
                    }
                    return true
                }
                tokens = counts
                return ok
            }
            return cursor.skipValue()
        }
    }
}
