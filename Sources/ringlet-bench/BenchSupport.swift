import Glibc
import RingletSystem

/// Peers started by a benchmark, stopped by `fail` too, so a failed run leaves no process behind.
nonisolated(unsafe) var peerProcesses: [pid_t] = []
/// Scratch folders a benchmark made, removed by `fail` too.
nonisolated(unsafe) var scratchFolders: [String] = []

func fail(_ message: String) -> Never {
    print("ringlet-bench: \(message)")
    for pid in peerProcesses { kill(pid, SIGTERM) }
    for folder in scratchFolders { try? Directory.removeTree(folder) }
    exit(1)
}

func median(_ samples: [Duration]) -> Duration { samples.sorted()[samples.count / 2] }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A number with two decimals, without Foundation's formatter.
func twoDecimals(_ value: Double) -> String {
    if value < 0 { return "-" + twoDecimals(-value) }
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

func milliseconds(_ duration: Duration) -> String { twoDecimals(seconds(duration) * 1000) + " ms" }

func ratio(_ a: Duration, _ b: Duration) -> String { twoDecimals(seconds(a) / seconds(b)) + "x" }

/// Plain writes: the generated registry is scratch data, so it skips AtomicFile's fsync per file.
func writeFile(_ text: String, to path: String) throws(SystemError) {
    let file = try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
    try file.writeAll(Array(text.utf8))
    file.close()
}

/// Wall-clock time of `body` on CLOCK_MONOTONIC.
func time(_ body: () throws -> Void) rethrows -> Duration {
    func now() -> Duration {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        return .seconds(clock.tv_sec) + .nanoseconds(clock.tv_nsec)
    }
    let start = now()
    try body()
    return now() - start
}

func runTimed(_ program: String, _ arguments: [String], environment: [String: String] = [:]) -> Duration {
    runTimed(Subprocess(program, arguments, environment: environment))
}

/// Runs `process` to completion; a non-zero exit aborts the benchmark with the child's stderr.
func runTimed(_ process: Subprocess) -> Duration {
    time {
        let result = try? process.run()
        guard result?.status == 0 else {
            fail("\(process.program) \(process.arguments.joined(separator: " ")) failed: \(result?.stderrText ?? "could not start")")
        }
    }
}

