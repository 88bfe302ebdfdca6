import RingletHTTP
import RingletManifest
import RingletRegistry
import RingletSystem

/// `ringlet registry add|list|remove|update|show`: the registries a user searches.
enum RegistryCommands {
    static var all: [Command] {
        [add, list, remove, update, show, RegistryFileCommands.index, RegistryFileCommands.lint, LockCommands.lock, LockCommands.verify]
    }

    static let add = Command(
        "add", summary: "add a registry from a folder, a git repository or an http(s) URL",
        discussion: """
        SOURCE is a folder (read in place), a git repository (URL or path, fetched with git), or an
        http(s):// URL serving registry files and index.yaml. Git and HTTP registries are fetched now
        and verified; if that fails nothing is added.
        """,
        options: [
            .init("priority", value: "N", help: "search order; higher first (default 50; the built-in registry is 0)"),
            .init("ref", value: "REF", help: "git tag, branch or commit to use (default: the remote HEAD)"),
            .init("type", value: "dir|git|http", help: "how to read SOURCE, when guessing is not wanted"),
        ],
        arguments: [.init("NAME", help: "a short name (letters, digits, '-')"), .init("SOURCE", help: "folder, git URL or http(s) URL")]
    ) { (invocation) throws(CLIError) in
        let context = invocation.context
        let name = invocation.arguments[0]
        if let problem = RegistryConfiguration.validate(name: name) {
            throw .registry(.invalidName(name, problem))
        }
        guard try !context.loadConfiguration().entries.contains(where: { $0.name == name }) else {
            throw .registry(.duplicateRegistry(name))
        }
        var kind: RegistrySource.Kind?
        if let text = invocation.value("type") {
            guard let parsed = RegistrySource.Kind(rawValue: text == "https" ? "http" : text), parsed != .builtin else {
                throw .usage("--type must be dir, git or http, not '\(text)'", usage: invocation.usage)
            }
            kind = parsed
        }
        let source: RegistrySource
        do throws(RegistryError) {
            source = try RegistrySource.detect(invocation.arguments[1], kind: kind, ref: invocation.value("ref"))
        } catch {
            throw .registry(error)
        }
        let entry = RegistryConfiguration.Entry(name: name, source: source,
                                                priority: try invocation.integer("priority") ?? RegistryConfiguration.defaultPriority)
        let audit = try AuditTrail.open(context)
        if case .directory(let path) = source {
            let scan = RegistryScan(.directory(path, label: path))
            guard scan.metadata != nil else { throw .failed(scan.problems.first ?? "\(path) is not a registry") }
            for problem in scan.problems { Console.warn(problem) }
        } else {
            do throws(CLIError) {
                try fetch(entry, context: context)
            } catch {
                // The cache is ours to clean only while no other process registered the name meanwhile.
                if (try? context.loadConfiguration().entries.contains { $0.name == name }) != true {
                    try? context.cache.remove(name)
                }
                throw error
            }
        }
        try context.updateConfiguration { (configuration) throws(CLIError) in
            guard !configuration.entries.contains(where: { $0.name == name }) else { throw .registry(.duplicateRegistry(name)) }
            configuration.entries.append(entry)
        }
        let opened = try context.openRegistries().registries.first { $0.name == name }
        let count = opened?.tree.map { RegistryScan($0).manifests.count } ?? 0
        Console.out("added registry '\(name)' (\(source), priority \(entry.priority)) at revision \(opened?.revision ?? "?"): \(count) manifests")
        AuditTrail.record(audit, "registry", ["action": "add", "registry": name, "source": "\(source)", "revision": opened?.revision ?? "?"])
        return .success
    }

    static let list = Command(
        "list", summary: "list registries in search order", options: [Command.jsonOption]
    ) { (invocation) throws(CLIError) in
        struct Row: Encodable {
            var name: String, type: String, source: String, ref: String?, priority: Int, revision: String?
        }
        let rows = try invocation.context.openRegistries().registries.map {
            Row(name: $0.name, type: $0.source.kind.rawValue, source: $0.source.location, ref: $0.source.ref,
                priority: $0.priority, revision: $0.revision)
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        var table = TextTable(["NAME", "TYPE", "PRIORITY", "REVISION", "SOURCE"])
        for row in rows {
            let source = row.ref.map { "\(row.source) @ \($0)" } ?? row.source
            table.add([row.name, row.type, String(row.priority), row.revision.map(shortRevision) ?? (row.type == "dir" ? "(folder missing)" : "(not fetched)"), source])
        }
        Console.out(table.text)
        return .success
    }

    static let remove = Command(
        "remove", summary: "remove a registry and its cached content", arguments: [.init("NAME", help: "the registry to remove")]
    ) { (invocation) throws(CLIError) in
        let context = invocation.context
        let name = invocation.arguments[0]
        guard name != RegistryConfiguration.builtinName else { throw .registry(.builtinIsReadOnly) }
        try context.updateConfiguration { (configuration) throws(CLIError) in
            guard configuration.entries.contains(where: { $0.name == name }) else {
                throw .registry(.unknownRegistry(name, known: [RegistryConfiguration.builtinName] + configuration.entries.map(\.name)))
            }
            configuration.entries.removeAll { $0.name == name }
        }
        do throws(RegistryError) { try context.cache.remove(name) } catch { throw .registry(error) }
        Console.out("removed registry '\(name)'")
        return .success
    }

    static let update = Command(
        "update", summary: "fetch git and HTTP registries again, verify, then switch to the new content",
        discussion: "A failed update leaves the previous content in use. Folder registries are read in place and need no update.",
        arguments: [.init("NAME", optional: true, help: "one registry (default: all)")]
    ) { (invocation) throws(CLIError) in
        let context = invocation.context
        let configuration = try context.loadConfiguration()
        var entries = configuration.entries
        if let name = invocation.arguments.first {
            guard name != RegistryConfiguration.builtinName else {
                Console.out("builtin: part of ringlet; nothing to fetch")
                return .success
            }
            entries = entries.filter { $0.name == name }
            guard !entries.isEmpty else {
                throw .registry(.unknownRegistry(name, known: [RegistryConfiguration.builtinName] + configuration.entries.map(\.name)))
            }
        }
        var failed = 0
        let audit = try AuditTrail.open(context)
        for entry in entries {
            if case .directory = entry.source {
                Console.out("\(entry.name): a folder, read in place; nothing to fetch")
                continue
            }
            let before = context.cache.currentRevision(of: entry.name)
            do throws(CLIError) {
                try fetch(entry, context: context)
                let after = context.cache.currentRevision(of: entry.name) ?? "?"
                if before == after {
                    Console.out("\(entry.name): up to date at \(shortRevision(after))")
                } else {
                    Console.out("\(entry.name): \(before.map(shortRevision) ?? "(none)") -> \(shortRevision(after))")
                    AuditTrail.record(audit, "registry", ["action": "update", "registry": entry.name, "from": before ?? "", "to": after])
                }
            } catch {
                let kept = before.map { "; \(entry.name) stays at \(shortRevision($0))" } ?? ""
                Console.err("error: \(error)\(kept)")
                failed += 1
            }
        }
        return failed == 0 ? .success : .failure
    }

    static let show = Command(
        "show", summary: "show a registry's source, revision and manifests", options: [Command.jsonOption],
        arguments: [.init("NAME", help: "the registry")]
    ) { (invocation) throws(CLIError) in
        struct Entry: Encodable { var kind: String, id: String, versions: [String] }
        struct Details: Encodable {
            var name: String, type: String, source: String, ref: String?, priority: Int, revision: String?
            var description: String, manifests: [Entry], problems: [String]
        }
        let registries = try invocation.context.openRegistries()
        let registry: OpenedRegistry
        do throws(RegistryError) { registry = try registries.registry(named: invocation.arguments[0]) } catch { throw .registry(error) }
        guard let tree = registry.tree else { throw .registry(registry.unavailable) }
        let scan = RegistryScan(tree)
        var entries: [Entry] = []
        for kind in ManifestKind.allCases {
            let ids = Set(scan.manifests.filter { $0.kind == kind }.map(\.id)).sorted()
            for id in ids {
                let versions = scan.manifests.filter { $0.kind == kind && $0.id == id }.map(\.version).sorted(by: >)
                entries.append(Entry(kind: kind.rawValue, id: id, versions: versions.map(\.description)))
            }
        }
        let details = Details(name: registry.name, type: registry.source.kind.rawValue, source: registry.source.location,
                              ref: registry.source.ref, priority: registry.priority, revision: registry.revision,
                              description: scan.metadata?.description ?? "", manifests: entries, problems: scan.problems)
        if invocation.json { try JSONOutput.print(details); return scan.problems.isEmpty ? .success : .failure }
        Console.out("""
        name:        \(details.name)
        type:        \(details.type)
        source:      \(details.source)\(details.ref.map { " @ \($0)" } ?? "")
        priority:    \(details.priority)
        revision:    \(details.revision ?? "(not fetched)")
        description: \(details.description)
        """)
        var table = TextTable(["KIND", "ID", "VERSIONS"])
        for entry in entries { table.add([entry.kind, entry.id, entry.versions.joined(separator: ", ")]) }
        Console.out("\n" + table.text)
        for problem in scan.problems { Console.err("problem: \(problem)") }
        return scan.problems.isEmpty ? .success : .failure
    }

    /// Fetches a git or HTTP registry into the cache, printing progress on stderr.
    static func fetch(_ entry: RegistryConfiguration.Entry, context: CLIContext) throws(CLIError) {
        guard !context.offline else { throw .registry(.offline(entry.name)) }
        do throws(RegistryError) {
            switch entry.source {
            case .git(let url, let ref):
                Console.err("fetching \(entry.name) from \(url)\(ref.map { " @ \($0)" } ?? "") with git …")
                _ = try GitRegistryFetcher(registry: entry.name, url: url, ref: ref, cache: context.cache).update()
            case .http(let url):
                Console.err("fetching \(entry.name) from \(url) …")
                let fetcher = HTTPRegistryFetcher(registry: entry.name, baseURL: url, cache: context.cache,
                                                  client: HTTPClient(caFile: Environment.value("RINGLET_CA_FILE")))
                _ = try fetcher.update { Console.err("  " + $0) }
            case .builtin, .directory:
                return
            }
        } catch {
            throw .registry(error)
        }
    }

    static func shortRevision(_ revision: String) -> String {
        revision.hasPrefix("sha256:") ? String(revision.prefix(19)) : String(revision.prefix(12))
    }
}
