import RingletPolicy
import RingletProxy
import RingletSystem

/// `ringlet sandbox explain|check|check-domain`: the composed policy, and single decisions from it.
enum SandboxCommands {
    static var command: Command {
        Command("sandbox", summary: "see and check the sandbox policy a run would get", subcommands: [explain, check, checkDomain])
    }

    static let explain = Command(
        "explain", summary: "the final policy: every rule with the layer and file:line that added it",
        discussion: """
        Layers, in order: built-in defaults, the agent manifest, the provider manifest, the global
        egg.yaml, every egg.yaml from the repository root down to the workspace, then the command line.
        Rules a later layer narrowed, capped or lifted are shown with what did it.
        """,
        options: [Command.jsonOption] + PolicyRequest.options
    ) { (invocation) throws(CLIError) in
        let composition = try PolicyRequest.compose(invocation)
        let explanation = PolicyExplanation(composition.policy, title: composition.title)
        if invocation.json { try JSONOutput.print(explanation) } else { Console.out(explanation.text) }
        return .success
    }

    static let check = Command(
        "check", summary: "may the sandbox read (or write) PATH? Exit 0 if allowed, 1 if denied",
        options: [Command.jsonOption, .init("read", help: "ask about reading (the default)"), .init("write", help: "ask about writing")]
            + PolicyRequest.options,
        arguments: [.init("PATH", help: "a path; relative to the current folder")]
    ) { (invocation) throws(CLIError) in
        struct Answer: Encodable { var path: String, operation: String, allowed: Bool, access: String, rule: String?, cappedBy: String?, lifted: [String] }
        guard !(invocation.flag("read") && invocation.flag("write")) else {
            throw .usage("ask about --read or --write, not both", usage: invocation.usage)
        }
        let composition = try PolicyRequest.compose(invocation)
        let path: String
        switch composition.context.resolver.resolve(invocation.arguments[0], relativeTo: invocation.context.workingDirectory, allowParent: true) {
        case .success(let resolved): path = resolved
        case .failure(let problem): throw .invalidInput("\(invocation.arguments[0]): \(problem)")
        }
        let decision = composition.policy.decide(path: path)
        let write = invocation.flag("write")
        let allowed = write ? decision.canWrite : decision.canRead
        let answer = Answer(path: path, operation: write ? "write" : "read", allowed: allowed, access: PolicyExplanation.name(decision.access),
                            rule: decision.decidedBy.map(PolicyExplanation.describe), cappedBy: decision.cappedBy.map(PolicyExplanation.describe),
                            lifted: zip(decision.lifted, decision.liftedBy).map { "\(PolicyExplanation.describe($0)) by \(PolicyExplanation.describe($1))" })
        if invocation.json {
            try JSONOutput.print(answer)
        } else {
            var lines = ["\(allowed ? "allowed" : "denied"): \(answer.operation) \(path) (access: \(answer.access))"]
            lines.append("  decided by " + (answer.rule ?? "no rule: nothing is mounted there"))
            if let capped = answer.cappedBy { lines.append("  capped by \(capped)") }
            for rule in answer.lifted { lines.append("  lifted: \(rule)") }
            Console.out(lines.joined(separator: "\n"))
        }
        return allowed ? .success : .failure
    }

    /// Started by `ringlet run` inside the sandbox's namespaces (through nsenter); not for people.
    static let checkDomain = Command(
        "check-domain", summary: "may the sandbox reach HOST[:PORT] through the proxy? Exit 0 if allowed, 1 if denied",
        options: [Command.jsonOption] + PolicyRequest.options,
        arguments: [.init("HOST[:PORT]", help: "a host name or address; the port defaults to 443")]
    ) { (invocation) throws(CLIError) in
        struct Answer: Encodable { var host: String, port: Int, allowed: Bool, rule: String? }
        let text = invocation.arguments[0]
        var host = text
        var port = 443
        if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
            guard let number = Int(text[text.index(after: colon)...]), (1 ... 65535).contains(number) else {
                throw .usage("'\(text)' has an invalid port", usage: invocation.usage)
            }
            host = String(text[..<colon])
            port = number
        }
        let decision = try PolicyRequest.compose(invocation).policy.decide(host: host, port: port)
        let answer = Answer(host: host, port: port, allowed: decision.allowed,
                            rule: decision.rule.map { "\($0.pattern) (\($0.origin))" })
        if invocation.json {
            try JSONOutput.print(answer)
        } else if let rule = answer.rule {
            Console.out("allowed: \(host):\(port) by \(rule)")
        } else {
            let entry = port == 443 || port == 80 ? host : "\(host):\(port)"
            Console.out("denied: \(host):\(port) matches no network rule; add \"\(entry)\" to network: in egg.yaml, or pass --allow-domain \(entry)")
        }
        return decision.allowed ? .success : .failure
    }
}
