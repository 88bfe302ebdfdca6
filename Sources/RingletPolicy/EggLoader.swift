import RingletManifest
import RingletSystem
import RingletYAML

/// Reads an `egg.yaml` into layers: the files its `base:` chain inherits first, then its own.
///
/// Paths in a file are relative to that file's folder. A chain that loops, or is deeper than
/// `maxDepth`, is an error that shows the whole chain.
public enum EggLoader {
    public static let maxDepth = 10
    public static let fileName = "egg.yaml"

    public static func layers(file: String, kind: PolicyLayer.Kind, resolver: PathResolver) throws(PolicyError) -> [PolicyLayer] {
        try load(PathResolver.canonical(PathResolver.normalize(absolute(file))), kind: kind, resolver: resolver, chain: [])
    }

    /// Parses and checks one egg.yaml on its own (for `ringlet egg lint`), following its base chain.
    public static func lint(file: String, resolver: PathResolver) throws(PolicyError) -> [PolicyLayer] {
        try layers(file: file, kind: .project, resolver: resolver)
    }

    private static func load(_ file: String, kind: PolicyLayer.Kind, resolver: PathResolver, chain: [String]) throws(PolicyError) -> [PolicyLayer] {
        let chain = chain + [file]
        guard chain.count <= maxDepth else { throw .baseTooDeep(chain) }
        let policy: EggPolicy
        do throws(YAMLError) {
            guard let root = try YAMLParser.parse(fileAt: file) else {
                return [PolicyLayer(kind: kind, label: file)]
            }
            policy = try EggPolicy(try YAMLMapping(root))
        } catch {
            throw .invalidFile(error)
        }
        return try layers(for: policy, label: file, folder: String(file[..<file.lastIndex(of: "/")!]), kind: kind,
                          resolver: resolver, chain: chain)
    }

    /// The layers of an egg body that is not a file of its own (a profile's `sandbox:`): its base chain
    /// first, then its own rules; relative paths are relative to `folder`.
    public static func layers(for policy: EggPolicy, label: String, folder: String, kind: PolicyLayer.Kind,
                              resolver: PathResolver) throws(PolicyError) -> [PolicyLayer] {
        try layers(for: policy, label: label, folder: folder, kind: kind, resolver: resolver, chain: [label])
    }

    private static func layers(for policy: EggPolicy, label file: String, folder: String, kind: PolicyLayer.Kind,
                               resolver: PathResolver, chain: [String]) throws(PolicyError) -> [PolicyLayer] {
        var layers: [PolicyLayer] = []
        var layer = PolicyLayer(kind: kind, label: file)
        switch policy.base {
        case .defaults:
            break
        case .none:
            layer.dropsDefaults = true
        case .file(let written):
            let base = try path(written, relativeTo: folder, location: policy.locations.base, resolver: resolver)
            if chain.contains(base) { throw .baseCycle(chain + [base], policy.locations.base) }
            guard FileStatus.of(base).exists else {
                throw .invalidRule(policy.locations.base, "base '\(written)' does not exist (\(base))")
            }
            layers += try load(base, kind: kind, resolver: resolver, chain: chain)
        }
        func origin(_ location: YAMLLocation?) -> RuleOrigin { RuleOrigin(layer: kind, label: file, location: location) }
        for rule in policy.fileRules {
            let resolved = try path(rule.path, relativeTo: folder, location: rule.location, resolver: resolver)
            layer.fileRules.append(.init(rule.access, resolved, written: rule.path, origin: origin(rule.location)))
        }
        for rule in policy.allowOverrides {
            guard rule.access == .rw || rule.access == .ro else {
                throw .invalidRule(rule.location, "allow-override widens access, so it takes rw:PATH or ro:PATH, not \(rule.access.rawValue):")
            }
            let resolved = try path(rule.path, relativeTo: folder, location: rule.location, resolver: resolver)
            layer.overrides.append(.init(rule: .init(rule.access, resolved, written: rule.path, origin: origin(rule.location)), liftsProtected: false))
        }
        for (entry, location) in zip(policy.network, policy.locations.network) {
            guard let pattern = DomainPattern(parsing: entry) else {
                throw .invalidRule(location, "network entry '\(entry)' is not a host, '*.suffix', 'host:port' or '*'")
            }
            layer.network.append(.init(pattern: pattern, origin: origin(location)))
        }
        for name in policy.environmentPassThrough {
            layer.environment.append(.init(name: name, value: nil, origin: origin(policy.locations.environment[name])))
        }
        for setting in policy.environmentSettings {
            layer.environment.append(.init(name: setting.name, value: setting.value, origin: origin(policy.locations.environment[setting.name])))
        }
        let resources = policy.resources
        if let cpu = resources.cpu { layer.cpuMilliseconds = .init(value: cpu.milliseconds, origin: origin(policy.locations.resources["cpu"])) }
        if let memory = resources.memory { layer.memoryBytes = .init(value: memory.bytes, origin: origin(policy.locations.resources["memory"])) }
        if let fds = resources.maxFileDescriptors { layer.maxFileDescriptors = .init(value: fds, origin: origin(policy.locations.resources["max_fds"])) }
        if let pids = resources.maxProcesses { layer.maxProcesses = .init(value: pids, origin: origin(policy.locations.resources["max_pids"])) }
        if let skip = policy.dangerouslySkipPermissions { layer.skipPermissions = (skip, origin(policy.locations.dangerouslySkipPermissions)) }
        if let settings = policy.agentSettings { layer.agentSettings = (settings, origin(policy.locations.agentSettings)) }
        if let audit = policy.audit { layer.recordInput = (audit, origin(policy.locations.audit)) }
        return layers + [layer]
    }

    private static func path(_ written: String, relativeTo folder: String, location: YAMLLocation?,
                             resolver: PathResolver) throws(PolicyError) -> String {
        switch resolver.resolve(written, relativeTo: folder) {
        case .success(let path): return path
        case .failure(let problem): throw .invalidRule(location, problem.description)
        }
    }

    private static func absolute(_ file: String) -> String {
        if file.hasPrefix("/") { return file }
        return (FileStatus.realPath(".") ?? ".") + "/" + file
    }
}
