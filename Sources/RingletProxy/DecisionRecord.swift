#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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

    /// The record as one JSON line, keys in a fixed order so logs diff and grep cleanly.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func now() -> String {
        Date.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
