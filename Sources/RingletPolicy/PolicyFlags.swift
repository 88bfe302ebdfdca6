import RingletManifest

/// Layer 7: what the command line adds (`--rw`, `--allow-domain`, `--memory` …). Paths are relative to
/// the current folder.
public struct PolicyFlags: Sendable {
    public var readWrite: [String] = []
    public var readOnly: [String] = []
    public var deny: [String] = []
    public var denyWrite: [String] = []
    public var allowDomains: [String] = []
    public var environment: [String] = []
    public var memory: String?
    public var cpu: String?
    public var maxFileDescriptors: String?
    public var maxProcesses: String?
    /// `--i-know-what-im-doing-allow PATH`: the only way to lift a protected rule; always flagged.
    public var dangerousAllow: [String] = []

    public init() {}

    public func layer(workingDirectory: String, resolver: PathResolver) throws(PolicyError) -> PolicyLayer {
        var layer = PolicyLayer(kind: .flags, label: "command line")
        func origin(_ flag: String) -> RuleOrigin { RuleOrigin(layer: .flags, label: flag) }
        func path(_ written: String, _ flag: String) throws(PolicyError) -> String {
            switch resolver.resolve(written, relativeTo: workingDirectory, allowParent: true) {
            case .success(let path): return path
            case .failure(let problem): throw .invalidRule(nil, "\(flag) \(written): \(problem)")
            }
        }
        for (access, paths, flag) in [(EggPolicy.Access.rw, readWrite, "--rw"), (.ro, readOnly, "--ro"), (.deny, deny, "--deny"),
                                      (.denyWrite, denyWrite, "--deny-write")] {
            for written in paths {
                layer.fileRules.append(.init(access, try path(written, flag), written: written, origin: origin("\(flag) \(written)")))
            }
        }
        for written in dangerousAllow {
            let flag = "--i-know-what-im-doing-allow"
            let rule = PolicyLayer.FileRule(.rw, try path(written, flag), written: written, origin: origin("\(flag) \(written)"))
            layer.overrides.append(.init(rule: rule, liftsProtected: true))
        }
        for domain in allowDomains {
            guard let pattern = DomainPattern(parsing: domain) else {
                throw .invalidRule(nil, "--allow-domain \(domain): not a host, '*.suffix', 'host:port' or '*'")
            }
            layer.network.append(.init(pattern: pattern, origin: origin("--allow-domain \(domain)")))
        }
        for entry in environment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            // A pass-through entry may be a pattern (`MYAPP_*`), as in egg.yaml; a setting names one variable.
            let isSetting = parts.count == 2
            guard EnvironmentName.isValid(isSetting ? name : name.replacing("*", with: "_")) else {
                throw .invalidRule(nil, "--env \(entry): expected NAME, a NAME_* pattern or NAME=value")
            }
            layer.environment.append(.init(name: name, value: parts.count == 2 ? String(parts[1]) : nil, origin: origin("--env \(entry)")))
        }
        if let memory {
            guard let size = ByteSize(parsing: memory), size.bytes > 0 else { throw .invalidRule(nil, "--memory \(memory): expected a size like 512M or 4G") }
            layer.memoryBytes = .init(value: size.bytes, origin: origin("--memory \(memory)"))
        }
        if let cpu {
            guard let duration = DurationValue(parsing: cpu), duration.milliseconds > 0 else {
                throw .invalidRule(nil, "--cpu \(cpu): expected a CPU time like 90s or 5m")
            }
            layer.cpuMilliseconds = .init(value: duration.milliseconds, origin: origin("--cpu \(cpu)"))
        }
        for (text, flag, keyPath) in [(maxFileDescriptors, "--max-fds", \PolicyLayer.maxFileDescriptors), (maxProcesses, "--max-pids", \.maxProcesses)] {
            guard let text else { continue }
            guard let value = Int(text), value > 0 else { throw .invalidRule(nil, "\(flag) \(text): expected a positive whole number") }
            layer[keyPath: keyPath] = .init(value: value, origin: origin("\(flag) \(text)"))
        }
        return layer
    }
}
