import Glibc
import RingletManifest
import RingletRegistry
import RingletSystem

/// Resolution: a generated registry of 1,000 agents x 5 versions, resolved cold (a fresh
/// `ringlet agents inspect` process, as every run and hook call pays it) and warm (in process).
/// Prints medians and ratios against the 100 ms budget and against a named peer: a fresh python3
/// loading one manifest with PyYAML.
enum ResolveBenchmark {
    static let agents = 1_000
    static let versions = ["1.0.0", "1.1.0", "2.0.0", "2.1.0", "3.0.0-rc.1"]

    static func measure(rounds: Int) {
        // Generate the registry.
        let root = "/tmp/ringlet-bench-\(getpid())"
        let registry = root + "/registry"
        defer { try? Directory.removeTree(root) }
        do {
            try Directory.create(registry + "/agents")
            try writeFile("name: bench\ndescription: generated\nformat: 1\n", to: registry + "/registry.yaml")
            for number in 0 ..< agents {
                let id = "agent-\(number)"
                try Directory.create(registry + "/agents/" + id)
                for version in versions {
                    try writeFile("""
                    kind: agent
                    schema: 1
                    id: \(id)
                    version: \(version)
                    name: Agent \(number)
                    binary:
                      name: \(id)
                      version_pattern: '(\\d+\\.\\d+\\.\\d+)'
                    arguments:
                      unattended: [--yes]
                    network: [api.example.com]
                    api_families: [anthropic, openai]
                    """, to: "\(registry)/agents/\(id)/\(version).yaml")
                }
            }
            try RegistryConfiguration(entries: [.init(name: "bench", source: .directory(path: registry), priority: 60)])
                .save(to: root + "/home/config/registries.yaml")
        } catch {
            fail("cannot generate the registry: \(error)")
        }
        print("registry: \(agents) agents x \(versions.count) versions in \(registry)")

        // Warm: registries opened once, one profile (an agent and a provider) resolved again and again.
        let set = RegistrySet(configuration: try! RegistryConfiguration.load(from: root + "/home/config/registries.yaml"),
                              cache: RegistryCache(root: root + "/home/cache/registries"))
        let resolver = RegistryResolver(set)
        let agent = try! ManifestReference(parsing: "agent-500@^2")
        let provider = try! ManifestReference(parsing: "anthropic")
        let warm = median((0 ..< rounds * 10).map { _ in
            time {
                guard (try? resolver.resolve(agent, kind: .agent))?.manifest.version.description == "2.1.0",
                      (try? resolver.resolve(provider, kind: .provider)) != nil else { fail("warm resolution gave a wrong answer") }
            }
        })

        // Cold: a fresh process per resolution, as `ringlet run` and every hook call pay it.
        let benchPath = FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let ringlet = String(benchPath[..<(benchPath.lastIndex(of: "/") ?? benchPath.startIndex)]) + "/ringlet"
        guard FileStatus.of(ringlet).exists else { fail("\(ringlet) not found; build the ringlet product first") }
        let environment = ["RINGLET_HOME": root + "/home", "CI": ""]
        _ = runTimed(ringlet, ["agents", "inspect", "agent-500@^2", "--json"], environment: environment)
        let cold = median((0 ..< rounds).map { _ in runTimed(ringlet, ["agents", "inspect", "agent-500@^2", "--json"], environment: environment) })
        let coldProfile = median((0 ..< rounds).map { _ in
            runTimed(ringlet, ["agents", "inspect", "agent-500@^2", "--json"], environment: environment)
                + runTimed(ringlet, ["providers", "inspect", "anthropic", "--json"], environment: environment)
        })

        // Peer: a fresh python3 parsing the same one manifest with PyYAML (Debian's python3-yaml); the system
        // interpreter, since a version manager's shim would add its own start-up to the peer.
        let python = FileStatus.of("/usr/bin/python3").exists ? "/usr/bin/python3" : "python3"
        let manifest = "\(registry)/agents/agent-500/2.1.0.yaml"
        let peerArguments = ["-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))", manifest]
        let peer: Duration? = (try? Subprocess(python, peerArguments).run())?.status == 0
            ? median((0 ..< rounds).map { _ in runTimed(python, peerArguments) }) : nil

        print("warm resolve (agent + provider, in process):  \(milliseconds(warm))")
        print("cold resolve (agent, fresh ringlet process):   \(milliseconds(cold))")
        print("cold profile (agent + provider, 2 processes):  \(milliseconds(coldProfile))  = \(ratio(coldProfile, .milliseconds(100))) of the 100 ms budget")
        if let peer {
            print("peer: python3 + PyYAML loading one manifest:   \(milliseconds(peer))  ringlet cold / peer = \(ratio(cold, peer))")
        } else {
            print("peer: python3 with PyYAML not available; no ratio")
        }
    }
}
