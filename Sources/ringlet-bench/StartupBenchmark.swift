import Glibc
import RingletSystem

/// Sandbox start-up: the wall clock of `ringlet run --agent shell -- -c true`, the overhead every agent
/// run pays around its own work, against bare bubblewrap (the named peer, target ringlet ≤ 1.5× it),
/// bubblewrap with ringlet's namespaces, and `docker run` when an engine answers.
/// The candidates take turns round by round, so a change in the machine's load hits them all alike.
enum StartupBenchmark {
    struct Candidate {
        let label: String
        let process: Subprocess
    }

    static let warmUps = 2

    static func measure(rounds: Int) {
        let root = "/tmp/ringlet-bench-startup-\(getpid())"
        scratchFolders.append(root)
        defer { try? Directory.removeTree(root) }
        do {
            try Directory.create(root + "/home")
            try Directory.create(root + "/workspace")
        } catch {
            fail("cannot create \(root): \(error)")
        }
        let benchPath = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let ringlet = String(benchPath[..<(benchPath.lastIndex(of: "/") ?? benchPath.startIndex)]) + "/ringlet"
        guard FileStatus.of(ringlet).exists else { fail("\(ringlet) not found; build the ringlet product first") }

        // ringlet sees only PATH and a fresh home, as a new user's would be; docker gets the caller's
        // environment back (DOCKER_HOST and the like), and bwrap needs none.
        let host = Environment.all()
        clearenv()
        setenv("PATH", host["PATH"] ?? "/usr/bin:/bin", 1)
        var candidates = [
            Candidate(label: "ringlet run --agent shell -- -c true",
                      process: Subprocess(ringlet, ["run", "--agent", "shell", "--", "-c", "true"], workingDirectory: root + "/workspace",
                                          environment: ["RINGLET_HOME": root + "/home", "HOME": root + "/home"])),
            Candidate(label: "bwrap --ro-bind / / true", process: Subprocess("bwrap", ["--ro-bind", "/", "/", "true"])),
            Candidate(label: "bwrap, ringlet's namespaces", process: Subprocess("bwrap", [
                "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--die-with-parent",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "true",
            ])),
        ]
        if (try? Subprocess("docker", ["info"], environment: host, timeout: .seconds(20)).run())?.status == 0 {
            candidates.append(Candidate(label: "docker run --rm debian:12 true",
                                        process: Subprocess("docker", ["run", "--rm", "debian:12", "true"], environment: host)))
        } else {
            print("docker: no Docker engine is running (docker info failed), so docker run is not measured")
        }

        print("startup benchmark: \(rounds) rounds after \(warmUps) warm-up runs each, candidates interleaved")
        for _ in 0 ..< warmUps { for candidate in candidates { _ = runTimed(candidate.process) } }
        var samples = Array(repeating: [Duration](), count: candidates.count)
        for _ in 0 ..< rounds {
            for (index, candidate) in candidates.enumerated() { samples[index].append(runTimed(candidate.process)) }
        }

        let width = candidates.map(\.label.count).max() ?? 0
        for (candidate, times) in zip(candidates, samples) {
            let padding = String(repeating: " ", count: width - candidate.label.count)
            print("\(candidate.label)\(padding)   median \(column(median(times)))   p90 \(column(p90(times)))")
        }
        let ringletToBwrap = seconds(median(samples[0])) / seconds(median(samples[1]))
        print("ringlet / bare bwrap = \(twoDecimals(ringletToBwrap))x (target <= 1.50x: \(ringletToBwrap <= 1.5 ? "met" : "not met"))")
    }

    static func p90(_ samples: [Duration]) -> Duration { samples.sorted()[samples.count * 9 / 10] }

    /// Milliseconds right-aligned, so the figures line up.
    static func column(_ duration: Duration) -> String {
        let text = milliseconds(duration)
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }
}
