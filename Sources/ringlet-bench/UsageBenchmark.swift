import Glibc
import RingletSystem
import RingletUsage

/// `ringlet usage --period all` over ~1 GB of synthetic Claude Code transcripts in one profile HOME
/// (256 files of ~4 MiB, each turn a tool result of ~4.5 KB with escapes and an assistant message of
/// ~1 KB with its usage): the first scan's throughput (target ≥ 200 MB/s) and a repeat with nothing new
/// (target < 50 ms, median of 11), each the whole command, process start included.
enum UsageBenchmark {
    static func measure(megabytes: Int) {
        let root = "/tmp/ringlet-bench-usage-\(getpid())"
        scratchFolders.append(root)
        defer { try? Directory.removeTree(root) }
        let benchPath = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let ringlet = String(benchPath[..<(benchPath.lastIndex(of: "/") ?? benchPath.startIndex)]) + "/ringlet"
        guard FileStatus.of(ringlet).exists else { fail("\(ringlet) not found; build the ringlet product first") }

        // A HOME named after the agent is a profile-less `ringlet run --agent claude`'s: no profile needed.
        let projects = root + "/home/data/homes/claude/.claude/projects"
        let fileCount = 256
        let target = Int64(megabytes) << 20
        var written: Int64 = 0
        var records = 0
        do {
            for project in 0 ..< 8 { try Directory.create(projects + "/-src-project-\(project)") }
            for file in 0 ..< fileCount {
                var text = ""
                text.reserveCapacity(Int(target / Int64(fileCount)) + 8192)
                var turn = 0
                while Int64(text.utf8.count) < target / Int64(fileCount) {
                    text += toolResult(file: file, turn: turn) + "\n" + assistant(file: file, turn: turn) + "\n"
                    turn += 1
                }
                records += turn
                written += Int64(text.utf8.count)
                try writeFile(text, to: projects + "/-src-project-\(file % 8)/session-\(file).jsonl")
                if file % 16 == 15 { print("\rgenerating transcripts: \(written >> 20) MiB", terminator: "") }
            }
        } catch {
            fail("cannot write the transcripts: \(error)")
        }
        print("\rgenerated \(written >> 20) MiB in \(fileCount) files, \(records) assistant messages")

        let command = Subprocess(ringlet, ["usage", "--period", "all", "--by", "model"],
                                 environment: ["RINGLET_HOME": root + "/home", "HOME": root + "/home", "PATH": "/usr/bin:/bin"])
        // Page cache warm for both: the figure is the scanner's, not the disk's.
        warm(projects)
        let first = runTimed(command)
        let throughput = Double(written) / 1_000_000 / seconds(first)
        let repeats = (0 ..< 11).map { _ in runTimed(command) }
        let idle = median(repeats)
        let output = (try? command.run())?.stdoutText ?? ""
        // Fast is worthless if wrong: every generated call is in the index, once.
        do throws(UsageError) {
            let index = try UsageIndex(path: UsageIndex.defaultPath(stateDirectory: root + "/home/state"))
            let indexed = try index.totals(UsageFilter(), prices: PriceTable(lists: [:])).calls
            index.close()
            guard indexed == Int64(records) else { fail("the index holds \(indexed) calls, \(records) were written") }
        } catch {
            fail("cannot read the usage index: \(error)")
        }
        print("")
        print("first scan:  \(milliseconds(first)) for \(written >> 20) MiB = \(twoDecimals(throughput)) MB/s   target ≥ 200 MB/s: \(throughput >= 200 ? "met" : "not met")")
        print("repeat scan: \(milliseconds(idle)) (median of 11, nothing new)   target < 50 ms: \(seconds(idle) < 0.05 ? "met" : "not met")")
        print(output.split(separator: "\n").prefix(4).joined(separator: "\n"))
    }

    /// Reads every file once so the first scan measures parsing, not the disk.
    private static func warm(_ folder: String) {
        _ = try? Subprocess("sh", ["-c", "cat \"$1\"/*/*.jsonl > /dev/null", "sh", folder]).run()
    }

    private static let filler = String(repeating: "drwxr-xr-x  5 user user 4096 May  1 12:00 \\\"Sources\\\"\\n", count: 64)

    private static func toolResult(file: Int, turn: Int) -> String {
        #"{"parentUuid":"u-\#(file)-\#(turn)","isSidechain":false,"userType":"external","cwd":"/src/project","sessionId":"session-\#(file)","version":"2.1.330","type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_\#(file)_\#(turn)","type":"tool_result","content":"\#(filler)","is_error":false}]},"uuid":"v-\#(file)-\#(turn)","timestamp":"2026-11-\#(10 + turn % 10)T12:00:00.000Z"}"#
    }

    private static func assistant(file: Int, turn: Int) -> String {
        let model = turn % 3 == 0 ? "claude-opus-5-5" : "claude-sonnet-5-5"
        return #"{"parentUuid":"v-\#(file)-\#(turn)","isSidechain":false,"message":{"id":"msg_\#(file)_\#(turn)","type":"message","role":"assistant","model":"\#(model)","content":[{"type":"text","text":"I listed the folder; next I will run the tests with \"swift test\" and look at the failures one by one.\n"},{"type":"tool_use","id":"toolu_\#(file)_\#(turn + 1)","name":"Bash","input":{"command":"swift test --filter UsageTests 2>&1 | tail -40","description":"Run the usage tests"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":\#(3 + turn % 7),"cache_creation_input_tokens":\#(200 + turn % 1000),"cache_read_input_tokens":\#(20000 + turn * 13 % 50000),"output_tokens":\#(100 + turn % 400),"service_tier":"standard"}},"requestId":"req_\#(file)_\#(turn)","type":"assistant","uuid":"a-\#(file)-\#(turn)","timestamp":"2026-11-\#(10 + turn % 10)T12:00:01.000Z","sessionId":"session-\#(file)","version":"2.1.330","cwd":"/src/project"}"#
    }
}
