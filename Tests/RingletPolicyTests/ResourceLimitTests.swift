@testable import RingletPolicy
import Testing

/// `resources:` — whichever layer sets the most restrictive value wins, and `explain` can list them all.
@Suite struct ResourceLimitTests {
    static let gibibyte = 1 << 30

    static func layer(_ label: String, cpu: Int? = nil, memory: Int? = nil, fds: Int? = nil, pids: Int? = nil) -> PolicyLayer {
        var layer = PolicyLayer(kind: .project, label: label)
        layer.cpuMilliseconds = cpu.map { Layers.limit($0, label) }
        layer.memoryBytes = memory.map { Layers.limit($0, label) }
        layer.maxFileDescriptors = fds.map { Layers.limit($0, label) }
        layer.maxProcesses = pids.map { Layers.limit($0, label) }
        return layer
    }

    static let policy = PolicyComposer.compose([
        layer("agent", cpu: 300_000, memory: 8 * gibibyte, fds: 4096),
        layer("global", cpu: 60000, fds: 1024, pids: 512),
        layer("project", memory: 4 * gibibyte, fds: 1024, pids: 1024),
        layer("flags", cpu: 90000, memory: 6 * gibibyte),
    ])

    @Test func theMostRestrictiveValueWinsWithItsOrigin() {
        #expect(Self.policy.cpuMilliseconds?.value == 60000)
        #expect(Self.policy.cpuMilliseconds?.origin.label == "global")
        #expect(Self.policy.memoryBytes?.value == 4 * Self.gibibyte)
        #expect(Self.policy.memoryBytes?.origin.label == "project")
        #expect(Self.policy.maxProcesses?.value == 512)
        #expect(Self.policy.maxProcesses?.origin.label == "global")
    }

    @Test func aTieKeepsTheFirstLayerThatSetIt() {
        #expect(Self.policy.maxFileDescriptors?.value == 1024)
        #expect(Self.policy.maxFileDescriptors?.origin.label == "global")
    }

    @Test func limitsListsEveryLayersValueInOrder() {
        #expect(Self.policy.limits(\.memoryBytes).map(\.value) == [8 * Self.gibibyte, 4 * Self.gibibyte, 6 * Self.gibibyte])
        #expect(Self.policy.limits(\.memoryBytes).map(\.origin.label) == ["agent", "project", "flags"])
        #expect(Self.policy.limits(\.cpuMilliseconds).map(\.origin.label) == ["agent", "global", "flags"])
        #expect(Self.policy.limits(\.maxFileDescriptors).map(\.value) == [4096, 1024, 1024])
        #expect(Self.policy.limits(\.maxProcesses).map(\.value) == [512, 1024])
    }

    @Test func noLayerSetsALimit() {
        let policy = PolicyComposer.compose([Layers.layer("egg", [(.rw, "/w")])])
        #expect(policy.cpuMilliseconds == nil && policy.memoryBytes == nil)
        #expect(policy.maxFileDescriptors == nil && policy.maxProcesses == nil)
        #expect(policy.limits(\.memoryBytes).isEmpty)
    }

    @Test func aLaterLayerCannotLoosenALimit() {
        let policy = PolicyComposer.compose([Self.layer("project", memory: Self.gibibyte), Self.layer("flags", memory: 64 * Self.gibibyte)])
        #expect(policy.memoryBytes?.value == Self.gibibyte)
    }

    @Test func limitsFromAnEggAndFromFlagsCombine() throws {
        let world = try PolicyWorld()
        let egg = try world.egg("resources:\n  cpu: 5m\n  memory: 4G\n  max_fds: 2048\n  max_pids: 100\n")
        var flags = PolicyFlags()
        flags.memory = "512M"
        flags.cpu = "90s"
        flags.maxProcesses = "200"
        let policy = PolicyComposer.compose(egg + [try flags.layer(workingDirectory: world.workspace, resolver: world.context.resolver)])
        #expect(policy.cpuMilliseconds?.value == 90000)
        #expect(policy.cpuMilliseconds?.origin.description == "command line --cpu 90s")
        #expect(policy.memoryBytes?.value == 512 << 20)
        #expect(policy.maxFileDescriptors?.value == 2048)
        #expect(policy.maxFileDescriptors?.origin.location?.line == 4)
        #expect(policy.maxProcesses?.value == 100)
        #expect(policy.limits(\.cpuMilliseconds).map(\.value) == [300_000, 90000])
    }

    @Test(arguments: [("memory", "0"), ("memory", "lots"), ("cpu", "0s"), ("cpu", "90"), ("max-fds", "-1"), ("max-pids", "0"),
                      ("max-pids", "ten")])
    func badFlagValuesAreRefused(_ flag: (String, String)) throws {
        let world = try PolicyWorld()
        var flags = PolicyFlags()
        switch flag.0 {
        case "memory": flags.memory = flag.1
        case "cpu": flags.cpu = flag.1
        case "max-fds": flags.maxFileDescriptors = flag.1
        default: flags.maxProcesses = flag.1
        }
        let message = failure { () throws(PolicyError) in try flags.layer(workingDirectory: world.workspace, resolver: world.context.resolver) }
        #expect(message?.hasPrefix("--\(flag.0) \(flag.1): expected") == true, "\(message ?? "accepted")")
    }
}
