import RingletManifest
import RingletYAML

/// The policy one sandbox runs with: every layer's rules, and the decisions they add up to, each
/// traceable to the rule and file line that made it (`ringlet sandbox explain`).
public struct ComposedPolicy: Sendable {
    public struct Ranked<Rule: Sendable>: Sendable {
        public var rule: Rule
        public var layer: Int
    }

    public let layers: [PolicyLayer]
    let rules: [Ranked<PolicyLayer.FileRule>]
    let overrides: [Ranked<PolicyLayer.Override>]

    init(layers: [PolicyLayer]) {
        self.layers = layers
        rules = layers.enumerated().flatMap { index, layer in layer.fileRules.map { Ranked(rule: $0, layer: index) } }
        overrides = layers.enumerated().flatMap { index, layer in layer.overrides.map { Ranked(rule: $0, layer: index) } }
    }

    // MARK: Files

    public func decide(path: String) -> FileDecision {
        let covering = rules.filter { PathResolver.isWithin(path, $0.rule.path) }
        let applicable = overrides.filter { PathResolver.isWithin(path, $0.rule.rule.path) }
        var lifted: [PolicyLayer.FileRule] = []
        var liftedBy: [PolicyLayer.FileRule] = []
        let restrictions = covering.filter { $0.rule.access.isRestriction }.filter { restriction in
            let lifter = applicable.first { override in
                override.layer > restriction.layer && PathResolver.isWithin(override.rule.rule.path, restriction.rule.path)
                    && (!restriction.rule.isProtected || override.rule.liftsProtected)
            }
            if let lifter {
                lifted.append(restriction.rule)
                liftedBy.append(lifter.rule.rule)
            }
            return lifter == nil
        }
        let grants = covering.filter { !$0.rule.access.isRestriction } + applicable.map { Ranked(rule: $0.rule.rule, layer: $0.layer) }
        let candidates = grants + restrictions
        // At one path and strength the later layer has the last word (and so no cap from its own restrictions).
        guard let decider = candidates.max(by: { a, b in
            (PathResolver.depth(a.rule.path), a.rule.access.strength, a.layer) < (PathResolver.depth(b.rule.path), b.rule.access.strength, b.layer)
        }) else {
            return FileDecision(access: .none, decidedBy: nil, cappedBy: nil, lifted: lifted, liftedBy: liftedBy)
        }
        var decision = FileDecision(access: decider.rule.access.level, decidedBy: decider.rule, cappedBy: nil, lifted: lifted, liftedBy: liftedBy)
        for restriction in restrictions where restriction.layer != decider.layer && restriction.rule.access.level < decision.access
            && !isExcepted(restriction, at: path) {
            decision.access = restriction.rule.access.level
            decision.cappedBy = restriction.rule
        }
        return decision
    }

    /// Whether the restriction's own layer said something more specific about `path` (deny the profile
    /// homes, but rw this profile's home; deny a folder, deny-write a file in it): that layer's own word
    /// decides there, and the broader restriction caps nothing.
    private func isExcepted(_ restriction: Ranked<PolicyLayer.FileRule>, at path: String) -> Bool {
        let ownRules = rules.filter { $0.layer == restriction.layer }.map(\.rule)
            + overrides.filter { $0.layer == restriction.layer }.map(\.rule.rule)
        return ownRules.contains { rule in
            rule.path != restriction.rule.path && PathResolver.isWithin(rule.path, restriction.rule.path)
                && PathResolver.isWithin(path, rule.path)
        }
    }

    /// Every file rule of every layer with what became of it, most general path first.
    public var fileReport: [FileRuleReport] {
        let ordered = rules.sorted { ($0.rule.path, $0.layer) < ($1.rule.path, $1.layer) }
        var report = ordered.map { ranked -> FileRuleReport in
            let decision = decide(path: ranked.rule.path)
            let status: FileRuleReport.Status
            if decision.lifted.contains(ranked.rule) {
                status = .lifted
            } else if decision.decidedBy == ranked.rule {
                status = decision.cappedBy.map { .capped(by: $0) } ?? .effective
            } else if let decider = decision.decidedBy {
                let deciderLayer = rules.first { $0.rule == decider }?.layer
                if ranked.rule.access.isRestriction && decision.access <= ranked.rule.access.level {
                    status = .effective
                } else if !ranked.rule.access.isRestriction, decider.access.isRestriction, deciderLayer != ranked.layer {
                    status = .capped(by: decider)
                } else {
                    status = .overridden(by: decider)
                }
            } else {
                status = .effective
            }
            let lifter = decision.lifted.firstIndex(of: ranked.rule).map { decision.liftedBy[$0] }
            return FileRuleReport(rule: ranked.rule, status: status, access: decision.access, liftedBy: lifter)
        }
        for override in overrides.sorted(by: { $0.rule.rule.path < $1.rule.rule.path }) {
            report.append(FileRuleReport(rule: override.rule.rule, status: .override(liftsProtected: override.rule.liftsProtected),
                                         access: decide(path: override.rule.rule.path).access, liftedBy: nil))
        }
        return report
    }

    // MARK: Network

    /// The union of every layer's entries, first origin kept for duplicates.
    public var network: [PolicyLayer.NetworkRule] {
        var seen = Set<DomainPattern>()
        return layers.flatMap(\.network).filter { seen.insert($0.pattern).inserted }
    }

    public var isNetworkUnrestricted: Bool { network.contains { $0.pattern.host == .any && $0.pattern.port == nil } }

    public func decide(host: String, port: Int) -> DomainDecision {
        guard let rule = network.first(where: { $0.pattern.matches(host: host, port: port) }) else {
            return DomainDecision(allowed: false, rule: nil)
        }
        return DomainDecision(allowed: true, rule: rule)
    }

    // MARK: Environment

    /// Pass-through names and patterns, union, first origin kept.
    public var passThrough: [PolicyLayer.EnvironmentRule] {
        var seen = Set<String>()
        return layers.flatMap(\.environment).filter { $0.value == nil && seen.insert($0.name).inserted }
    }

    /// `NAME=value` settings; a later layer's value wins.
    public var settings: [PolicyLayer.EnvironmentRule] {
        var latest: [String: PolicyLayer.EnvironmentRule] = [:]
        var order: [String] = []
        for rule in layers.flatMap(\.environment) where rule.value != nil {
            if latest[rule.name] == nil { order.append(rule.name) }
            latest[rule.name] = rule
        }
        return order.map { latest[$0]! }
    }

    /// Settings a later layer replaced, with the one that replaced each.
    public var replacedSettings: [(rule: PolicyLayer.EnvironmentRule, by: PolicyLayer.EnvironmentRule)] {
        let final = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0) })
        return layers.flatMap(\.environment).filter { $0.value != nil && final[$0.name] != $0 }.map { ($0, final[$0.name]!) }
    }

    /// Whether the host's variable `name` reaches the sandbox, and by which rule. Names that look like
    /// secrets (`*_KEY`, `*_TOKEN`, `*_SECRET`) pass only when a rule names them exactly.
    public func passes(environment name: String) -> PolicyLayer.EnvironmentRule? {
        if let exact = passThrough.first(where: { $0.name == name }) { return exact }
        guard !EnvironmentPattern.looksSecret(name) else { return nil }
        return passThrough.first { EnvironmentPattern.matches($0.name, name) }
    }

    // MARK: Resources and settings

    public var cpuMilliseconds: PolicyLayer.Limit<Int>? { strictest(\.cpuMilliseconds) }
    public var memoryBytes: PolicyLayer.Limit<Int>? { strictest(\.memoryBytes) }
    public var maxFileDescriptors: PolicyLayer.Limit<Int>? { strictest(\.maxFileDescriptors) }
    public var maxProcesses: PolicyLayer.Limit<Int>? { strictest(\.maxProcesses) }

    /// Every value a layer set for a limit, for `explain` to show what the winner narrowed.
    public func limits(_ keyPath: KeyPath<PolicyLayer, PolicyLayer.Limit<Int>?>) -> [PolicyLayer.Limit<Int>] {
        layers.compactMap { $0[keyPath: keyPath] }
    }

    private func strictest(_ keyPath: KeyPath<PolicyLayer, PolicyLayer.Limit<Int>?>) -> PolicyLayer.Limit<Int>? {
        limits(keyPath).min { $0.value < $1.value }
    }

    public var skipPermissions: (value: Bool, origin: RuleOrigin)? { layers.compactMap(\.skipPermissions).last }
    public var agentSettings: (value: YAMLNode, origin: RuleOrigin)? { layers.compactMap(\.agentSettings).last }
    /// Whether recordings keep input (`audit:`), as the last layer that says so decides.
    public var recordsInput: (value: Bool, origin: RuleOrigin)? { layers.compactMap(\.recordInput).last }

    /// What a reviewer must see first: unrestricted network, protected rules lifted, overrides applied.
    public var warnings: [String] {
        var warnings: [String] = []
        for rule in network where rule.pattern.host == .any {
            let reach = rule.pattern.port.map { "reaches any host on port \($0)" } ?? "is unrestricted"
            warnings.append("network \"\(rule.pattern)\" \(reach) (\(rule.origin))")
        }
        for override in overrides {
            let rule = override.rule.rule
            let named = "\(rule.access.rawValue):\(rule.path) (\(rule.origin))"
            let decision = decide(path: rule.path)
            if !decision.lifted.isEmpty {
                let what = override.rule.liftsProtected ? "--i-know-what-im-doing-allow lifts" : "allow-override widens"
                let lifted = decision.lifted.map { "\($0.access.rawValue):\($0.path)" }.joined(separator: ", ")
                warnings.append("\(what) \(named), lifting \(lifted)")
            } else if let protected = rules.first(where: { $0.rule.isProtected && $0.rule.access.isRestriction && PathResolver.isWithin(rule.path, $0.rule.path) }) {
                warnings.append("allow-override \(named) has no effect: \(protected.rule.access.rawValue):\(protected.rule.path) is a built-in protection that only --i-know-what-im-doing-allow lifts")
            }
        }
        return warnings
    }
}

extension RingletManifest.EggPolicy.Access {
    var isRestriction: Bool { self == .deny || self == .denyWrite }

    /// At one path: deny > deny-write > ro > rw.
    var strength: Int {
        switch self {
        case .rw: 0
        case .ro: 1
        case .denyWrite: 2
        case .deny: 3
        }
    }

    var level: FileDecision.Access {
        switch self {
        case .rw: .write
        case .ro, .denyWrite: .read
        case .deny: .none
        }
    }
}
