import Glibc

/// One line of the proxy's decision log: what was asked, what was decided and by which rule, and how
/// much went through.
public struct DecisionRecord: Sendable, Codable, Equatable {
    public var time: String
    public var session: String
    public var method: String
    public var host: String
    public var port: Int
    public var address: String?
    public var verdict: ProxyDecision.Verdict
    public var rule: String
    public var status: Int
    public var bytesUp: Int
    public var bytesDown: Int
    public var durationMilliseconds: Int

    /// The record as one JSON line, keys in a fixed order so logs diff and grep cleanly. Written by hand:
    /// it is on every connection's path, and only `host` and `session` can hold text that needs escaping.
    public var jsonLine: String {
        var fields = ["\"address\":" + (address.map { "\"\($0)\"" } ?? "null"),
                      "\"bytesDown\":\(bytesDown)", "\"bytesUp\":\(bytesUp)", "\"durationMilliseconds\":\(durationMilliseconds)",
                      "\"host\":" + DecisionRecord.quote(host), "\"method\":" + DecisionRecord.quote(method), "\"port\":\(port)",
                      "\"rule\":" + DecisionRecord.quote(rule), "\"session\":" + DecisionRecord.quote(session), "\"status\":\(status)"]
        fields += ["\"time\":\"\(time)\"", "\"verdict\":\"\(verdict.rawValue)\""]
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// UTC with milliseconds, from the C library: cheaper than a formatter on every connection.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var parts = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = spec.tv_nsec / 1_000_000
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
