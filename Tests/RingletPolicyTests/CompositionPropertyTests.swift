import RingletManifest
@testable import RingletPolicy
import Testing

/// Random layers of random rules over a small tree, from fixed seeds (a failure names its seed and
/// trial, and replays exactly), checked against properties that must hold whatever the rules are.
@Suite struct CompositionPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 34]
    static let trials = 80

    /// Rule paths, and the paths decisions are compared at (the tree, plus paths below and beside it).
    static let tree = ["/p", "/p/a", "/p/b", "/p/a/x", "/p/a/y", "/p/b/x", "/p/a/x/1"]
    static let probes = tree + ["/", "/p/a/x/1/deep", "/p/b/x/z", "/p/ab", "/q"]

    struct Scenario {
        let layers: [PolicyLayer]
        let policy: ComposedPolicy
        /// Continues the scenario's sequence, for choices made about it.
        var generator: SeededGenerator

        init(layers: [PolicyLayer], generator: SeededGenerator) {
            self.layers = layers
            self.generator = generator
            policy = PolicyComposer.compose(layers)
        }
    }

    static func randomRule(_ label: String, _ generator: inout SeededGenerator) -> PolicyLayer.FileRule {
        let kind = RuleKind.allCases.randomElement(using: &generator)!
        let protected = Oracle.isRestriction(kind) && Int.random(in: 0 ..< 4, using: &generator) == 0
        return Layers.rule(kind, tree.randomElement(using: &generator)!, in: label, protected: protected)
    }

    static func scenario(seed: UInt64, trial: Int) -> Scenario {
        var generator = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(trial))
        let layers = (0 ..< Int.random(in: 1 ... 4, using: &generator)).map { index -> PolicyLayer in
            let label = "layer\(index)"
            var layer = PolicyLayer(kind: .project, label: label)
            layer.fileRules = (0 ..< Int.random(in: 0 ... 4, using: &generator)).map { _ in randomRule(label, &generator) }
            if Int.random(in: 0 ..< 3, using: &generator) == 0 {
                let rule = Layers.rule([.rw, .ro].randomElement(using: &generator)!, tree.randomElement(using: &generator)!, in: label)
                layer.overrides = [.init(rule: rule, liftsProtected: Bool.random(using: &generator))]
            }
            return layer
        }
        return Scenario(layers: layers, generator: generator)
    }

    /// The layers of a scenario, one line each, for a failure message.
    static func describe(_ layers: [PolicyLayer]) -> String {
        layers.map { layer in
            let rules = layer.fileRules.map { "\($0.access.rawValue):\($0.path)\($0.isProtected ? "(protected)" : "")" }
            let overrides = layer.overrides.map { "override \($0.rule.access.rawValue):\($0.rule.path)\($0.liftsProtected ? "(lifts protected)" : "")" }
            return "\(layer.label): " + (rules + overrides).joined(separator: ", ")
        }.joined(separator: "\n")
    }

    static func accesses(_ policy: ComposedPolicy) -> [Access] { probes.map { policy.access($0) } }

    /// Every scenario for a seed, each with a rule of one of `kinds` added, in turn, at every path of the tree
    /// (in a layer and at a position in it chosen by the seed).
    static func additions(seed: UInt64, kinds: [RuleKind]) -> [(before: Scenario, after: ComposedPolicy, added: PolicyLayer.FileRule, layer: Int)] {
        (0 ..< trials).flatMap { trial in
            var scenario = scenario(seed: seed, trial: trial)
            let layer = Int.random(in: 0 ..< scenario.layers.count, using: &scenario.generator)
            let kind = kinds.randomElement(using: &scenario.generator)!
            return tree.map { path in
                var layers = scenario.layers
                let added = Layers.rule(kind, path, in: layers[layer].label)
                layers[layer].fileRules.insert(added, at: Int.random(in: 0 ... layers[layer].fileRules.count, using: &scenario.generator))
                return (scenario, PolicyComposer.compose(layers), added, layer)
            }
        }
    }

    // MARK: (a) an empty layer changes nothing

    @Test(arguments: seeds)
    func insertingAnEmptyLayerChangesNoDecision(seed: UInt64) {
        for trial in 0 ..< Self.trials {
            var scenario = Self.scenario(seed: seed, trial: trial)
            let original = scenario.policy
            let kind = PolicyLayer.Kind.allCases.filter { $0 != .defaults }.randomElement(using: &scenario.generator)!
            for position in 0 ... scenario.layers.count {
                var layers = scenario.layers
                layers.insert(PolicyLayer(kind: kind, label: "empty"), at: position)
                let policy = PolicyComposer.compose(layers)
                for path in Self.probes {
                    check(policy.decide(path: path) == original.decide(path: path), "seed \(seed) trial \(trial) at \(position): \(path)")
                }
                check(policy.fileReport.map(\.status) == original.fileReport.map(\.status), "seed \(seed) trial \(trial)")
            }
        }
    }

    // MARK: (b) a restriction never widens

    @Test(arguments: seeds)
    func addingADenyNeverRaisesAccess(seed: UInt64) {
        for (before, after, added, _) in Self.additions(seed: seed, kinds: [.deny]) {
            for (path, (old, new)) in zip(Self.probes, zip(Self.accesses(before.policy), Self.accesses(after))) {
                check(new <= old, "seed \(seed): adding deny:\(added.path) raised \(path) from \(old) to \(new)\n\(Self.describe(before.layers))")
            }
        }
    }

    /// A deny-write means "read-only, and no later widening". Where nothing decided yet, or where its own
    /// layer denied an enclosing folder (most specific decides: deny `/a`, deny-write `/a/b` leaves `/a/b`
    /// readable), it may turn `none` into `read`. It never raises anything to `write`, and never makes
    /// readable what another layer denies (whose own most specific rule there is a deny).
    @Test(arguments: seeds)
    func addingADenyWriteNeverWidensAnotherLayersDenialNorGrantsWrite(seed: UInt64) {
        for (before, after, added, layer) in Self.additions(seed: seed, kinds: [.denyWrite]) {
            for (path, (old, new)) in zip(Self.probes, zip(Self.accesses(before.policy), Self.accesses(after))) {
                let lifted = before.policy.decide(path: path).lifted
                let deniedElsewhere = before.layers.indices.contains {
                    $0 != layer && Self.ownView(of: before.layers[$0], at: path, without: lifted) == .deny
                }
                let readOnly = new == .read && old == .none && !deniedElsewhere
                check(new <= old || readOnly, "seed \(seed): adding deny-write:\(added.path) to layer\(layer) raised \(path) from \(old) to \(new)\n\(Self.describe(before.layers))")
            }
        }
    }

    /// What one layer says about `path` on its own: its most specific rule there, leaving out the rules a later
    /// layer lifted; allow-overrides count as grants.
    static func ownView(of layer: PolicyLayer, at path: String, without lifted: [PolicyLayer.FileRule]) -> RuleKind? {
        let rules = layer.fileRules.filter { !lifted.contains($0) }.map { ($0.access, $0.path) }
            + layer.overrides.map { ($0.rule.access, $0.rule.path) }
        return rules.filter { Oracle.covers($0.1, path) }
            .max { (Oracle.depth($0.1), Oracle.rank($0.0)) < (Oracle.depth($1.1), Oracle.rank($1.0)) }?.0
    }

    // MARK: (c) a grant never narrows

    /// `rw` is the weakest rule at any path, so adding one never lowers anything. `ro` is a grant too, but
    /// by specificity and strength it narrows `write` to `read` in its own subtree; it never lowers a path
    /// below `read`, nor anything outside its subtree.
    @Test(arguments: seeds, [RuleKind.rw, .ro])
    func addingAGrantNeverLowersAccess(seed: UInt64, kind: RuleKind) {
        var known: [String] = []
        for (before, after, added, _) in Self.additions(seed: seed, kinds: [kind]) {
            for path in Self.probes {
                let old = before.policy.decide(path: path)
                let new = after.decide(path: path)
                let floor = kind == .ro && Oracle.covers(added.path, path) ? min(old.access, .read) : old.access
                guard new.access < floor else { continue }
                let message = "seed \(seed): adding \(added.access.rawValue):\(added.path) lowered \(path) from \(old.access) to \(new.access)"
                // The bug pinned in CompositionSemanticsTests: the layer that decided before (with a deny-write or an
                // allow-override inside its own restriction) now caps the new grant with that very restriction.
                if let cap = new.cappedBy, cap.origin.label == old.decidedBy?.origin.label {
                    known.append(message)
                } else {
                    Issue.record(Comment(rawValue: message + "\n" + Self.describe(before.layers) + "\nbefore: \(old)\nafter: \(new)"))
                }
            }
        }
        if !known.isEmpty {
            #expect(known.isEmpty, "\(known.count) cases, first: \(known[0])")
        }
    }

    // MARK: (d) order within a layer is irrelevant

    @Test(arguments: seeds)
    func decisionsDoNotDependOnRuleOrderWithinALayer(seed: UInt64) {
        for trial in 0 ..< Self.trials {
            var scenario = Self.scenario(seed: seed, trial: trial)
            let original = Self.accesses(scenario.policy)
            var shuffled = scenario.layers
            for index in shuffled.indices {
                shuffled[index].fileRules.shuffle(using: &scenario.generator)
            }
            check(Self.accesses(PolicyComposer.compose(shuffled)) == original, "seed \(seed) trial \(trial)\n\(Self.describe(scenario.layers))")
        }
    }

    /// The generator is what makes a failure replayable.
    @Test func scenariosAreReproducible() {
        let first = Self.scenario(seed: 7, trial: 3).layers.map { $0.fileRules.map(\.path) }
        let second = Self.scenario(seed: 7, trial: 3).layers.map { $0.fileRules.map(\.path) }
        #expect(first == second)
    }
}
