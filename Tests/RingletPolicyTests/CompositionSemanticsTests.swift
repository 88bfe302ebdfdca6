import RingletManifest
@testable import RingletPolicy
import Testing

/// The composition rules from `PolicyComposer`'s doc comment, written out as a plain oracle: the most
/// specific rule decides, at one path deny > deny-write > ro > rw; a restriction caps what rules of
/// other layers grant under it unless its own layer made an exception there with a more specific grant.
/// Deliberately naive (no overrides: those have their own tests below).
enum Oracle {
    struct Rule: Sendable {
        var layer: Int
        var kind: RuleKind
        var path: String
    }

    static func covers(_ rulePath: String, _ path: String) -> Bool { path == rulePath || path.hasPrefix(rulePath + "/") }
    static func depth(_ path: String) -> Int { path.split(separator: "/").count }
    static func isRestriction(_ kind: RuleKind) -> Bool { kind == .deny || kind == .denyWrite }

    static func rank(_ kind: RuleKind) -> Int {
        switch kind {
        case .rw: 0
        case .ro: 1
        case .denyWrite: 2
        case .deny: 3
        }
    }

    static func level(_ kind: RuleKind) -> Access {
        switch kind {
        case .rw: .write
        case .ro, .denyWrite: .read
        case .deny: .none
        }
    }

    static func access(at path: String, _ rules: [Rule]) -> Access {
        let covering = rules.filter { covers($0.path, path) }
        guard let decider = covering.max(by: { (depth($0.path), rank($0.kind)) < (depth($1.path), rank($1.kind)) }) else {
            return .none
        }
        var access = level(decider.kind)
        for restriction in covering where isRestriction(restriction.kind) && restriction.layer != decider.layer {
            let excepted = rules.contains { grant in
                grant.layer == restriction.layer && !isRestriction(grant.kind) && depth(grant.path) > depth(restriction.path)
                    && covers(restriction.path, grant.path) && covers(grant.path, path)
            }
            if !excepted { access = min(access, level(restriction.kind)) }
        }
        return access
    }
}

/// Two rules, every kind against every kind, at the same path or parent/child either way round, in one
/// layer or in two layers either way round.
struct PairCase: Sendable, CustomTestStringConvertible {
    enum Position: String, Sendable, CaseIterable { case samePath, firstOnParent, firstOnChild }
    enum Layering: String, Sendable, CaseIterable { case sameLayer, firstEarlier, firstLater }

    static let parent = "/t/a"
    static let child = "/t/a/b"

    var first: RuleKind
    var second: RuleKind
    var position: Position
    var layering: Layering

    static var all: [PairCase] {
        RuleKind.allCases.flatMap { first in
            RuleKind.allCases.flatMap { second in
                Position.allCases.flatMap { position in
                    Layering.allCases.map { PairCase(first: first, second: second, position: position, layering: $0) }
                }
            }
        }
    }

    var rules: [Oracle.Rule] {
        let paths: (String, String) = switch position {
        case .samePath: (Self.parent, Self.parent)
        case .firstOnParent: (Self.parent, Self.child)
        case .firstOnChild: (Self.child, Self.parent)
        }
        let layers: (Int, Int) = switch layering {
        case .sameLayer: (0, 0)
        case .firstEarlier: (0, 1)
        case .firstLater: (1, 0)
        }
        return [Oracle.Rule(layer: layers.0, kind: first, path: paths.0), Oracle.Rule(layer: layers.1, kind: second, path: paths.1)]
    }

    var policy: ComposedPolicy {
        let layers = (0 ... 1).map { index in
            Layers.layer("layer\(index)", rules.filter { $0.layer == index }.map { ($0.kind, $0.path) })
        }
        return PolicyComposer.compose(layers)
    }

    var testDescription: String {
        "\(first.rawValue) then \(second.rawValue), \(position.rawValue), \(layering.rawValue)"
    }
}

@Suite struct CompositionSemanticsTests {
    @Test(arguments: PairCase.all)
    func everyPairOfRules(_ pair: PairCase) {
        let policy = pair.policy
        #expect(policy.access(PairCase.child) == Oracle.access(at: PairCase.child, pair.rules), "child")
        #expect(policy.access(PairCase.parent) == Oracle.access(at: PairCase.parent, pair.rules), "parent")
        #expect(policy.access("/t") == .none, "nothing covers the grandparent")
    }

    /// Rows worked out by hand, so the oracle is checked against the prose and not only against itself.
    static let pinned: [(PairCase, child: Access, parent: Access)] = [
        (.init(first: .rw, second: .deny, position: .samePath, layering: .sameLayer), .none, .none),
        (.init(first: .rw, second: .ro, position: .samePath, layering: .firstEarlier), .read, .read),
        (.init(first: .ro, second: .denyWrite, position: .samePath, layering: .firstLater), .read, .read),
        (.init(first: .rw, second: .denyWrite, position: .samePath, layering: .firstEarlier), .read, .read),
        (.init(first: .deny, second: .deny, position: .samePath, layering: .firstLater), .none, .none),
        // A layer's own more specific grant is its exception …
        (.init(first: .deny, second: .rw, position: .firstOnParent, layering: .sameLayer), .write, .none),
        (.init(first: .denyWrite, second: .rw, position: .firstOnParent, layering: .sameLayer), .write, .read),
        (.init(first: .ro, second: .deny, position: .firstOnChild, layering: .sameLayer), .read, .none),
        // … another layer's is capped, whichever layer comes first.
        (.init(first: .deny, second: .rw, position: .firstOnParent, layering: .firstEarlier), .none, .none),
        (.init(first: .deny, second: .rw, position: .firstOnParent, layering: .firstLater), .none, .none),
        (.init(first: .denyWrite, second: .rw, position: .firstOnParent, layering: .firstEarlier), .read, .read),
        (.init(first: .rw, second: .deny, position: .firstOnChild, layering: .firstEarlier), .none, .none),
        (.init(first: .rw, second: .denyWrite, position: .firstOnChild, layering: .firstLater), .read, .read),
        // Within one layer a more specific deny-write decides; across layers the deny still caps it.
        (.init(first: .deny, second: .denyWrite, position: .firstOnParent, layering: .sameLayer), .read, .none),
        (.init(first: .deny, second: .denyWrite, position: .firstOnParent, layering: .firstEarlier), .none, .none),
        (.init(first: .denyWrite, second: .deny, position: .firstOnParent, layering: .firstLater), .none, .read),
        (.init(first: .denyWrite, second: .ro, position: .firstOnChild, layering: .sameLayer), .read, .read),
        // Grants are not restrictions: a more specific grant decides either way.
        (.init(first: .ro, second: .rw, position: .firstOnParent, layering: .firstEarlier), .write, .read),
        (.init(first: .rw, second: .ro, position: .firstOnParent, layering: .firstLater), .read, .write),
        (.init(first: .rw, second: .rw, position: .firstOnChild, layering: .firstEarlier), .write, .write),
        // A restriction on the child leaves the parent alone.
        (.init(first: .deny, second: .rw, position: .firstOnChild, layering: .firstEarlier), .none, .write),
        (.init(first: .rw, second: .deny, position: .firstOnParent, layering: .firstEarlier), .none, .write),
    ]

    @Test(arguments: pinned)
    func handWorkedRows(_ row: (PairCase, child: Access, parent: Access)) {
        let (pair, child, parent) = row
        #expect(Oracle.access(at: PairCase.child, pair.rules) == child, "oracle, child")
        #expect(Oracle.access(at: PairCase.parent, pair.rules) == parent, "oracle, parent")
        #expect(pair.policy.access(PairCase.child) == child, "composer, child")
        #expect(pair.policy.access(PairCase.parent) == parent, "composer, parent")
    }

    // MARK: allow-override

    @Test(arguments: [RuleKind.deny, .denyWrite])
    func overrideInALaterLayerLiftsTheDeniedPathOrOneInside(_ restriction: RuleKind) {
        let denied = Layers.layer("parent", [(.ro, "/w"), (restriction, "/w/a")])
        let atPath = PolicyComposer.compose([denied, Layers.layer("child", overrides: [(.rw, "/w/a")])])
        #expect(atPath.access("/w/a") == .write)
        #expect(atPath.access("/w/a/deep/file") == .write)

        let inside = PolicyComposer.compose([denied, Layers.layer("child", overrides: [(.rw, "/w/a/b")])])
        #expect(inside.access("/w/a/b/file") == .write)
        #expect(inside.access("/w/a/c") == Oracle.level(restriction), "only the named path is lifted")
        #expect(inside.access("/w/a") == Oracle.level(restriction))

        let readOnly = PolicyComposer.compose([denied, Layers.layer("child", overrides: [(.ro, "/w/a")])])
        #expect(readOnly.access("/w/a/x") == .read, "lifted up to the override's access")
    }

    @Test func overrideNamingAnAncestorLiftsNothing() {
        let policy = PolicyComposer.compose([Layers.layer("parent", [(.deny, "/w/a/b")]), Layers.layer("child", overrides: [(.rw, "/w/a")])])
        #expect(policy.access("/w/a/b") == .none)
        #expect(policy.access("/w/a/b/c") == .none)
        #expect(policy.decide(path: "/w/a/b/c").lifted.isEmpty)
    }

    @Test func overrideInTheSameOrAnEarlierLayerLiftsNothing() {
        let earlier = PolicyComposer.compose([Layers.layer("parent", overrides: [(.rw, "/w/a")]), Layers.layer("child", [(.deny, "/w/a")])])
        #expect(earlier.access("/w/a/x") == .none)
        let same = PolicyComposer.compose([Layers.layer("one", [(.deny, "/w/a")], overrides: [(.rw, "/w/a")])])
        #expect(same.access("/w/a/x") == .none)
        #expect(same.decide(path: "/w/a/x").lifted.isEmpty)
    }

    @Test func overrideLiftsOnlyRestrictionsOfEarlierLayers() {
        let policy = PolicyComposer.compose([
            Layers.layer("first", [(.deny, "/w/a")]),
            Layers.layer("second", overrides: [(.rw, "/w/a")]),
            Layers.layer("third", [(.denyWrite, "/w")]),
        ])
        #expect(policy.access("/w/a/x") == .read, "the third layer's deny-write came after the override")
    }

    @Test func protectedRulesNeedTheDangerousFlag() {
        let defaults = Layers.layer("defaults", kind: .defaults, [(.deny, "/h/.ssh")], protected: true)
        let egg = Layers.layer("egg", overrides: [(.rw, "/h/.ssh")])
        #expect(PolicyComposer.compose([defaults, egg]).access("/h/.ssh/id") == .none)
        let insideEgg = Layers.layer("egg", overrides: [(.ro, "/h/.ssh/config")])
        #expect(PolicyComposer.compose([defaults, insideEgg]).access("/h/.ssh/config") == .none)

        let flags = Layers.layer("--i-know-what-im-doing-allow", kind: .flags, overrides: [(.rw, "/h/.ssh")], liftsProtected: true)
        let lifted = PolicyComposer.compose([defaults, egg, flags])
        #expect(lifted.access("/h/.ssh/id") == .write)
        #expect(lifted.decide(path: "/h/.ssh/id").lifted.map(\.path) == ["/h/.ssh"])
        #expect(lifted.warnings.contains { $0.contains("rw:/h/.ssh") && $0.contains("--i-know-what-im-doing-allow") })
    }

    // MARK: base: none

    @Test func dropsDefaultsKeepsOnlyProtectedDefaults() throws {
        var defaults = Layers.layer("defaults", kind: .defaults, [(.ro, "/"), (.rw, "/w")])
        defaults.fileRules.append(Layers.rule(.deny, "/h/.aws", in: "defaults", kind: .defaults, protected: true))
        defaults.environment = Layers.environment("defaults", ["PATH"]).environment
        defaults.network = try Layers.network("defaults", ["example.com"]).network
        var egg = Layers.layer("egg", [(.ro, "/w/docs")])
        egg.dropsDefaults = true

        let kept = PolicyComposer.compose([defaults, Layers.layer("egg", [(.ro, "/w/docs")])])
        #expect(kept.access("/w/x") == .write)
        let policy = PolicyComposer.compose([defaults, egg])
        #expect(policy.layers[0].fileRules.map(\.path) == ["/h/.aws"])
        #expect(policy.access("/etc/passwd") == .none)
        #expect(policy.access("/w/x") == .none)
        #expect(policy.access("/w/docs/a") == .read)
        #expect(policy.access("/h/.aws/credentials") == .none)
        #expect(policy.passThrough.isEmpty)
        #expect(policy.network.isEmpty)

        var onlyBase = PolicyLayer(kind: .project, label: "empty egg with base: none")
        onlyBase.dropsDefaults = true
        #expect(PolicyComposer.compose([defaults, onlyBase]).access("/w/x") == .none, "base: none alone is not an empty layer")
    }

    // MARK: What decided

    @Test func decisionNamesDeciderCapAndLifts() throws {
        let parent = Layers.layer("parent", [(.ro, "/"), (.deny, "/w/secret"), (.denyWrite, "/w/docs")])
        let child = Layers.layer("child", [(.rw, "/w")], overrides: [(.ro, "/w/secret/public")])
        let policy = PolicyComposer.compose([parent, child])

        let capped = policy.decide(path: "/w/docs/readme")
        #expect(capped.access == .read)
        #expect(capped.decidedBy == Layers.rule(.denyWrite, "/w/docs", in: "parent"))
        #expect(capped.cappedBy == nil, "the deny-write decides; nothing lowered it")

        let grant = policy.decide(path: "/w/secret")
        #expect(grant.access == .none)
        #expect(grant.decidedBy == Layers.rule(.deny, "/w/secret", in: "parent"))

        let lifted = policy.decide(path: "/w/secret/public/a")
        #expect(lifted.access == .read)
        #expect(lifted.decidedBy == Layers.rule(.ro, "/w/secret/public", in: "child"))
        #expect(lifted.lifted == [Layers.rule(.deny, "/w/secret", in: "parent")])

        let narrowed = PolicyComposer.compose([Layers.layer("parent", [(.rw, "/w/src")]), Layers.layer("child", [(.denyWrite, "/w")])])
        let decision = narrowed.decide(path: "/w/src/main.swift")
        #expect(decision.access == .read)
        #expect(decision.decidedBy == Layers.rule(.rw, "/w/src", in: "parent"))
        #expect(decision.cappedBy == Layers.rule(.denyWrite, "/w", in: "child"))
        #expect(decision.canRead && !decision.canWrite)

        let nothing = narrowed.decide(path: "/elsewhere")
        #expect(nothing.access == .none && nothing.decidedBy == nil && nothing.cappedBy == nil)
    }

    @Test func fileReportStatuses() throws {
        let parent = Layers.layer("parent", [(.rw, "/w"), (.deny, "/w/secret"), (.rw, "/w/lib")])
        let child = Layers.layer("child", [(.ro, "/w"), (.denyWrite, "/w/lib")], overrides: [(.ro, "/w/secret")])
        let flags = Layers.layer("flags", kind: .flags, overrides: [(.rw, "/w/tmp")], liftsProtected: true)
        let report = PolicyComposer.compose([parent, child, flags]).fileReport

        func status(_ kind: RuleKind, _ path: String, _ label: String) throws -> FileRuleReport {
            try #require(report.first { entry in
                if case .override = entry.status { return false }
                return entry.rule == Layers.rule(kind, path, in: label)
            })
        }
        let ro = Layers.rule(.ro, "/w", in: "child")
        #expect(try status(.rw, "/w", "parent").status == .overridden(by: ro))
        #expect(try status(.ro, "/w", "child").status == .effective)
        #expect(try status(.ro, "/w", "child").access == .read)
        #expect(try status(.deny, "/w/secret", "parent").status == .lifted)
        // A grant that another layer's restriction outranks at its own path is capped (README: "no silent widening").
        #expect(try status(.rw, "/w/lib", "parent").status == .capped(by: Layers.rule(.denyWrite, "/w/lib", in: "child")))
        #expect(try status(.denyWrite, "/w/lib", "child").status == .effective)

        let overrides = report.filter { if case .override = $0.status { true } else { false } }
        #expect(overrides.map(\.rule.path) == ["/w/secret", "/w/tmp"])
        #expect(overrides.map(\.status) == [.override(liftsProtected: false), .override(liftsProtected: true)])
        #expect(overrides.map(\.access) == [.read, .write])

        let capped = PolicyComposer.compose([Layers.layer("parent", [(.deny, "/w")]), Layers.layer("child", [(.rw, "/w/src")])]).fileReport
        #expect(capped.map(\.status) == [.effective, .capped(by: Layers.rule(.deny, "/w", in: "parent"))])
        #expect(capped.map(\.access) == [.none, .none])

        // In its own layer, a stronger rule at the same path overrides a grant; nothing is capped.
        let own = PolicyComposer.compose([Layers.layer("one", [(.rw, "/w/x"), (.deny, "/w/x")])]).fileReport
        #expect(own.first { $0.rule.access == .rw }?.status == .overridden(by: Layers.rule(.deny, "/w/x", in: "one")))
        #expect(own.first { $0.rule.access == .deny }?.status == .effective)
    }

    // MARK: A layer's own exceptions, under another layer's grant

    /// Adding a grant must never take access away. A layer that denies `/w/a` but deny-writes (or
    /// allow-overrides) `/w/a/b` leaves `/w/a/b/c` readable; a grant from another layer must not turn that
    /// into "denied" by re-activating the restriction the layer itself carved the exception out of.
    @Test func anotherLayersGrantDoesNotUndoALayersOwnException() {
        let egg = Layers.layer("egg", [(.deny, "/w/a"), (.denyWrite, "/w/a/b")])
        #expect(PolicyComposer.compose([egg]).access("/w/a/b/c") == .read)
        let withGrant = PolicyComposer.compose([egg, Layers.layer("flags", kind: .flags, [(.rw, "/w/a/b/c")])])
        #expect(withGrant.access("/w/a/b/c") == .read)

        let overriding = Layers.layer("egg", [(.deny, "/w/a")], overrides: [(.rw, "/w/a/b")])
        #expect(PolicyComposer.compose([overriding]).access("/w/a/b/c") == .write)
        let withReadOnly = PolicyComposer.compose([overriding, Layers.layer("flags", kind: .flags, [(.ro, "/w/a/b/c")])])
        #expect(withReadOnly.access("/w/a/b/c") == .read)

        // Even an *earlier* layer's grant at the same path does it, because a tie goes to the earlier layer.
        let readOnlyExceptOne = Layers.layer("egg", [(.denyWrite, "/w/a")], overrides: [(.rw, "/w/a/b")])
        #expect(PolicyComposer.compose([readOnlyExceptOne]).access("/w/a/b") == .write)
        let earlier = PolicyComposer.compose([Layers.layer("agent", kind: .agent, [(.rw, "/w/a/b")]), readOnlyExceptOne])
        #expect(earlier.access("/w/a/b") == .write)
    }
}
