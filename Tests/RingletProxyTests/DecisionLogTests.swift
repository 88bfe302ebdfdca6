import Foundation
@testable import RingletProxy
import RingletTestSupport
import Testing

/// The decision log: one JSON line per decision, read back the way a script would (JSONSerialization,
/// not the product's own types), so a renamed or missing field fails here.
@Suite struct DecisionLogTests {
    static let fields: Set<String> = ["time", "session", "method", "host", "port", "address", "verdict", "rule", "status",
                                      "bytesUp", "bytesDown", "durationMilliseconds"]

    /// Every line of the log file, parsed; waits until there are `count` lines.
    static func lines(_ proxy: RunningProxy, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        var text = ""
        _ = eventually {
            text = (try? String(contentsOfFile: proxy.logPath, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").count >= count
        }
        #expect(text.hasSuffix("\n"), "every line is complete", sourceLocation: sourceLocation)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test func eachDecisionIsOneJSONLineWithEveryField() throws {
        let site = try SecureSite()
        let proxy = try RunningProxy(allow: ["\(SecureSite.name):\(site.port)"], hosts: [SecureSite.name: "127.0.0.1"], session: "log-session")
        defer { proxy.stop() }
        let before = Date()
        #expect(try site.fetch(through: proxy.url).status == 0)
        _ = proxy.decisions(atLeast: 1)
        #expect(try proxy.connect("denied.test:443").status == 403)
        _ = proxy.decisions(atLeast: 2)
        #expect(try proxy.exchange("GET /origin-form HTTP/1.1\r\n\r\n").status == 400)

        let lines = try DecisionLogTests.lines(proxy, count: 3)
        try #require(lines.count == 3, "\(lines)")
        for line in lines {
            #expect(Set(line.keys).subtracting(["address"]) == DecisionLogTests.fields.subtracting(["address"]), "\(line.keys.sorted())")
            #expect(line["session"] as? String == "log-session")
            let time = try #require(line["time"] as? String)
            let parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let when = try #require(parser.date(from: time), "ISO 8601 with fractions: \(time)")
            #expect(when.timeIntervalSince(before) > -2 && when.timeIntervalSinceNow < 2, "\(time) is now")
            for number in ["port", "status", "bytesUp", "bytesDown", "durationMilliseconds"] {
                #expect((line[number] as? Int).map { $0 >= 0 } == true, "\(number): \(String(describing: line[number]))")
            }
        }
        let (allowed, denied, malformed) = (lines[0], lines[1], lines[2])
        #expect(allowed["verdict"] as? String == "allowed" && allowed["method"] as? String == "CONNECT")
        #expect(allowed["host"] as? String == SecureSite.name && allowed["port"] as? Int == site.port)
        #expect(allowed["address"] as? String == "127.0.0.1")
        #expect(allowed["rule"] as? String == "\(SecureSite.name):\(site.port)")
        #expect((allowed["bytesUp"] as? Int ?? 0) > 0 && (allowed["bytesDown"] as? Int ?? 0) > 0)

        #expect(denied["verdict"] as? String == "denied" && denied["rule"] as? String == "not-allowed")
        #expect(denied["host"] as? String == "denied.test" && denied["port"] as? Int == 443 && denied["status"] as? Int == 403)
        #expect(denied["address"] == nil || denied["address"] is NSNull, "nothing was resolved: \(String(describing: denied["address"]))")
        #expect(denied["bytesUp"] as? Int == 0 && denied["bytesDown"] as? Int == 0)

        #expect(malformed["verdict"] as? String == "denied" && malformed["rule"] as? String == "malformed" && malformed["status"] as? Int == 400)

        var mode = stat()
        #expect(stat(proxy.logPath, &mode) == 0 && mode.st_mode & 0o777 == 0o600, "the log is private to its owner")
    }

    @Test func concurrentDecisionsNeverInterleaveTheirLines() throws {
        let proxy = try RunningProxy(allow: ["allowed.test"], session: "quote\"and\\backslash")
        defer { proxy.stop() }
        let count = 40
        DispatchQueue.concurrentPerform(iterations: count) { index in
            _ = try? RawClient(port: proxy.port).exchange("CONNECT denied-\(index).test:443 HTTP/1.1\r\n\r\n")
        }
        let lines = try DecisionLogTests.lines(proxy, count: count)
        #expect(lines.count == count)
        #expect(Set(lines.compactMap { $0["host"] as? String }) == Set((0 ..< count).map { "denied-\($0).test" }))
        #expect(lines.allSatisfy { $0["session"] as? String == "quote\"and\\backslash" }, "names are escaped")
    }

    @Test func theLogAppendsToAnExistingFileAndHandsEachRecordToItsSink() throws {
        let folder = try TemporaryDirectory("ringlet-proxy-log")
        let path = try folder.write("log.jsonl", "{\"earlier\":true}\n")
        let sunk = DecisionCollector()
        let log = try DecisionLog(path: path, sink: { sunk.add($0) })
        let record = DecisionRecord(time: "2025-01-02T03:04:05.678Z", session: "s", method: "CONNECT", host: "h\u{1}.test", port: 443,
                                    address: nil, verdict: .denied, rule: "not-allowed", status: 403, bytesUp: 0, bytesDown: 0,
                                    durationMilliseconds: 1)
        log.record(record)
        log.record(record)
        let lines = try folder.read("log.jsonl").split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "{\"earlier\":true}", "appended, nothing truncated")
        let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(object?["host"] as? String == "h\u{1}.test", "control characters are escaped: \(lines[1])")
        #expect(try JSONDecoder().decode(DecisionRecord.self, from: Data(lines[2].utf8)) == record, "a line reads back as the record")
        #expect(sunk.records == [record, record])
    }
}
