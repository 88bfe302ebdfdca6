import RingletManifest
import RingletPolicy

/// `ringlet sandbox explain`: a composed policy as a table for people and as JSON for scripts, each
/// rule with the layer and file:line that added it and, for those that lost, what beat them.
struct PolicyExplanation: Encodable {
    struct Layer: Encodable { var index: Int, kind: String, label: String }
    struct FileRow: Encodable {
        var access: String, path: String, written: String, origin: String, protected: Bool
        var status: String, by: String?, result: String
        var cappedByProtected: Bool
    }
    struct NetworkRow: Encodable { var pattern: String, origin: String }
    struct EnvironmentRow: Encodable { var name: String, value: String?, origin: String }
    struct Replaced: Encodable { var name: String, value: String?, origin: String, replacedBy: String }
    struct Limit: Encodable { var name: String, value: String, origin: String, alsoSet: [String] }

    var title: String
    var layers: [Layer]
    var files: [FileRow]
    var network: [NetworkRow]
    var networkUnrestricted: Bool
    var passThrough: [EnvironmentRow]
    var settings: [EnvironmentRow]
    var replacedSettings: [Replaced]
    var resources: [Limit]
    var dangerouslySkipPermissions: Bool?
    /// Whether recordings keep input, and which layer said so.
    var audit: Bool?
    var auditOrigin: String?
    var warnings: [String]

    init(_ policy: ComposedPolicy, title: String) {
        self.title = title
        layers = policy.layers.enumerated().map { Layer(index: $0.offset + 1, kind: $0.element.kind.title, label: $0.element.label) }
        files = policy.fileReport.map { report in
            let (status, by): (String, PolicyLayer.FileRule?) = switch report.status {
            case .effective: ("in force", nil)
            case .overridden(let rule): ("overridden", rule)
            case .capped(let rule): ("capped", rule)
            case .lifted: ("lifted", report.liftedBy)
            case .override(let protected): (protected ? "override (lifts protected rules)" : "override", nil)
            }
            return FileRow(access: report.rule.access.rawValue, path: report.rule.path, written: report.rule.written,
                           origin: report.rule.origin.description, protected: report.rule.isProtected, status: status,
                           by: by.map(PolicyExplanation.describe), result: PolicyExplanation.name(report.access),
                           cappedByProtected: report.status == .capped(by: by ?? report.rule) && by?.isProtected == true)
        }
        network = policy.network.map { NetworkRow(pattern: $0.pattern.description, origin: $0.origin.description) }
        networkUnrestricted = policy.isNetworkUnrestricted
        passThrough = policy.passThrough.map { EnvironmentRow(name: $0.name, value: nil, origin: $0.origin.description) }
        settings = policy.settings.map { EnvironmentRow(name: $0.name, value: $0.value, origin: $0.origin.description) }
        replacedSettings = policy.replacedSettings.map {
            Replaced(name: $0.rule.name, value: $0.rule.value, origin: $0.rule.origin.description, replacedBy: $0.by.origin.description)
        }
        let limits: [(String, KeyPath<PolicyLayer, PolicyLayer.Limit<Int>?>, (Int) -> String)] = [
            ("cpu", \.cpuMilliseconds, { PolicyExplanation.duration($0) }),
            ("memory", \.memoryBytes, { PolicyExplanation.size($0) }),
            ("max_fds", \.maxFileDescriptors, { String($0) }),
            ("max_pids", \.maxProcesses, { String($0) }),
        ]
        resources = limits.compactMap { name, keyPath, format in
            let all = policy.limits(keyPath)
            guard let winner = all.min(by: { $0.value < $1.value }) else { return nil }
            let others = all.filter { $0 != winner }.map { "\(format($0.value)) by \($0.origin)" }
            return Limit(name: name, value: format(winner.value), origin: winner.origin.description, alsoSet: others)
        }
        dangerouslySkipPermissions = policy.skipPermissions?.value
        audit = policy.recordsInput?.value
        auditOrigin = policy.recordsInput?.origin.description
        warnings = policy.warnings
    }

    var text: String {
        var lines = ["Sandbox policy for \(title)", "", "Layers"]
        for layer in layers { lines.append("  \(layer.index)  \(layer.kind.padding(19))\(layer.label)") }
        lines += ["", "Files (access at each path after composition)"]
        let width = min(60, (files.map(\.path.count).max() ?? 0) + 2)
        for row in files {
            var line = "  \(row.access.padding(11))\(row.path.padding(width))\(row.origin)"
            if row.protected { line += ", protected" }
            switch row.status {
            case "in force": break
            case "lifted": line += "\n      lifted by \(row.by ?? "an override"); access here: \(row.result)"
            case "capped":
                line += "\n      capped by \(row.by ?? "?"); access here: \(row.result)"
                line += row.cappedByProtected
                    ? "\n      (a built-in protection: only --i-know-what-im-doing-allow lifts it)"
                    : "\n      (to widen it, name the path under allow-override: in a later layer)"
            default:
                line += "\n      \(row.status)" + (row.by.map { " by \($0)" } ?? "") + "; access here: \(row.result)"
            }
            lines.append(line)
        }
        lines += ["", "Network"]
        if network.isEmpty { lines.append("  (none: the sandbox reaches no host)") }
        for row in network { lines.append("  \(row.pattern.padding(32))\(row.origin)") }
        lines += ["", "Environment"]
        for row in passThrough { lines.append("  pass \(row.name.padding(27))\(row.origin)") }
        for row in settings { lines.append("  set  \((row.name + "=" + (row.value ?? "")).padding(27))\(row.origin)") }
        for row in replacedSettings { lines.append("  replaced \(row.name)=\(row.value ?? "") (\(row.origin)) by \(row.replacedBy)") }
        lines += ["", "Resources"]
        if resources.isEmpty { lines.append("  (no limits set)") }
        for limit in resources {
            lines.append("  \(limit.name.padding(10))\(limit.value.padding(10))\(limit.origin)")
            for other in limit.alsoSet { lines.append("      narrowed from \(other)") }
        }
        if let skip = dangerouslySkipPermissions { lines += ["", "dangerously_skip_permissions: \(skip)"] }
        if let audit { lines += ["", "audit (recordings keep input): \(audit)  \(auditOrigin ?? "")"] }
        if !warnings.isEmpty {
            lines += ["", "Warnings"] + warnings.map { "  ! " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ rule: PolicyLayer.FileRule) -> String {
        "\(rule.access.rawValue):\(rule.path) (\(rule.origin))"
    }

    static func name(_ access: FileDecision.Access) -> String {
        switch access {
        case .none: "none"
        case .read: "read"
        case .write: "read-write"
        }
    }

    static func size(_ bytes: Int) -> String {
        for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes)"
    }

    static func duration(_ milliseconds: Int) -> String {
        for (unit, factor) in [("h", 3_600_000), ("m", 60_000), ("s", 1000)] where milliseconds % factor == 0 {
            return "\(milliseconds / factor)\(unit)"
        }
        return "\(milliseconds)ms"
    }
}
