// Benchmarks, apart from the tests: each prints its figures and ratios against a named peer.
//   ringlet-bench resolve [ROUNDS]   registry resolution, cold and warm (peer: python3 + PyYAML)
//   ringlet-bench proxy              the egress proxy against tinyproxy and a direct connection
//   ringlet-bench startup [ROUNDS]   sandbox start-up, `ringlet run` (peer: bare bwrap; docker run if an engine answers)
//   ringlet-bench hooks [ROUNDS]     hook dispatch overhead per tool call (target < 10 ms; floor: a ringlet process start)
//   ringlet-bench audit [ROWS]       audit log inserts with the hash chain (target ≥ 20,000/s) and queries over them
//   ringlet-bench usage [MB]         `ringlet usage` over 1 GB of transcripts: first scan (target ≥ 200 MB/s), repeat (target < 50 ms)
//   ringlet-bench audit-burst PATH [COUNT]  records audit events until COUNT or killed (the crash test's writer)
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "resolve":
    ResolveBenchmark.measure(rounds: arguments.dropFirst().first.flatMap { Int($0) } ?? 21)
case "proxy":
    ProxyBenchmark.run()
case "startup":
    StartupBenchmark.measure(rounds: arguments.dropFirst().first.flatMap { Int($0) } ?? 21)
case "hooks":
    HookDispatchBenchmark.measure(rounds: arguments.dropFirst().first.flatMap { Int($0) } ?? 51)
case "audit":
    AuditBenchmark.measure(rows: arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000)
case "usage":
    UsageBenchmark.measure(megabytes: arguments.dropFirst().first.flatMap { Int($0) } ?? 1024)
case "audit-burst" where arguments.count >= 2:
    AuditBenchmark.burst(path: arguments[1], count: arguments.dropFirst(2).first.flatMap { Int($0) })
default:
    print("usage: ringlet-bench resolve [ROUNDS] | ringlet-bench proxy | ringlet-bench startup [ROUNDS] | ringlet-bench hooks [ROUNDS] | ringlet-bench audit [ROWS] | ringlet-bench usage [MB] | ringlet-bench audit-burst PATH [COUNT]")
    exit(2)
}
