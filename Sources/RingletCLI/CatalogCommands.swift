import RingletManifest
import RingletRegistry

/// `ringlet agents list|inspect` and `ringlet providers list|inspect`: what resolves, and from where.
enum CatalogCommands {
    static func commands(for kind: ManifestKind) -> Command {
        let noun = kind.rawValue
        return Command(
            kind.folder, summary: "\(noun)s available from the configured registries",
            subcommands: [
                Command("list", summary: "list every \(noun) with the version that resolves and its registry",
                        options: [Command.jsonOption, .init("all", help: "list every version in every registry")]) { (invocation) throws(CLIError) in
                    try list(kind, invocation)
                },
                Command("inspect", summary: "show the \(noun) a reference resolves to, and from where",
                        options: [Command.jsonOption],
                        arguments: [.init("REF", help: "id, id@range or registry/id@range (e.g. \(kind == .agent ? "claude@^2" : "anthropic"))")]) { (invocation) throws(CLIError) in
                    try inspect(kind, invocation)
                },
            ])
    }

    struct Row: Encodable {
        var id: String, version: String, registry: String, name: String, description: String
        var resolves: Bool
    }

    static func list(_ kind: ManifestKind, _ invocation: Invocation) throws(CLIError) -> ExitCode {
        let registries = try invocation.context.openRegistries()
        let resolver = RegistryResolver(registries)
        try LockCommands.enforceAll(resolver: resolver, context: invocation.context)
        var rows: [Row] = []
        if invocation.flag("all") {
            for registry in registries.registries {
                guard let tree = registry.tree else { continue }
                for manifest in RegistryScan(tree).manifests where manifest.kind == kind {
                    let winner = try? resolver.resolve(ManifestReference(parsing: manifest.id), kind: kind)
                    let resolves = winner?.registry.name == registry.name && winner?.manifest.version == manifest.version
                    rows.append(row(manifest, registry: registry.name, resolves: resolves))
                }
            }
        } else {
            let ids = Set(registries.registries.flatMap { $0.tree?.ids(of: kind) ?? [] }).sorted()
            for id in ids {
                do throws(RegistryError) {
                    let resolution = try resolver.resolve(try ManifestReference(parsing: id), kind: kind, warn: Console.warn)
                    rows.append(row(resolution.manifest, registry: resolution.registry.name, resolves: true))
                } catch {
                    Console.warn(error.description)
                }
            }
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        var table = TextTable(["ID", "VERSION", "REGISTRY", "NAME"] + (invocation.flag("all") ? ["RESOLVES"] : []))
        for row in rows {
            table.add([row.id, row.version, row.registry, row.name] + (invocation.flag("all") ? [row.resolves ? "yes" : ""] : []))
        }
        Console.out(table.text)
        return .success
    }

    static func row(_ manifest: LoadedManifest, registry: String, resolves: Bool) -> Row {
        Row(id: manifest.id, version: manifest.version.description, registry: registry,
            name: manifest.manifest.identity.name, description: manifest.manifest.identity.description, resolves: resolves)
    }

    static func inspect(_ kind: ManifestKind, _ invocation: Invocation) throws(CLIError) -> ExitCode {
        let reference = try LockCommands.parseReference(invocation.arguments[0])
        let resolver = RegistryResolver(try invocation.context.openRegistries())
        let resolution: Resolution
        do throws(RegistryError) {
            resolution = try resolver.resolve(reference, kind: kind, warn: Console.warn)
        } catch {
            throw .registry(error)
        }
        try LockCommands.enforce(reference, kind: kind, resolver: resolver, context: invocation.context)
        let details = ManifestDetails(resolution)
        if invocation.json {
            try JSONOutput.print(details)
        } else {
            Console.out(details.text)
        }
        return .success
    }
}
