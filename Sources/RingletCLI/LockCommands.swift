import RingletManifest
import RingletRegistry

/// `ringlet registry lock|verify` and the locked mode every resolving command honours.
enum LockCommands {
    static let lock = Command(
        "lock", summary: "write ringlet.lock pinning what the project uses",
        discussion: """
        Pins every reference already in the project's ringlet.lock plus those given here, each to the
        registry, revision, version and sha256 it resolves to now. Commit the file; CI then enforces it.
        """,
        options: [
            .init("agent", value: "REF", repeats: true, help: "an agent the project uses (claude, acme/claude@^2)"),
            .init("provider", value: "REF", repeats: true, help: "a provider the project uses"),
            .init("hooks", value: "REF", repeats: true, help: "a hook pack the project uses"),
            .init("egg", value: "REF", repeats: true, help: "a sandbox base the project uses"),
        ]
    ) { (invocation) throws(CLIError) in
        let context = invocation.context
        let existingPath = Lockfile.find(from: context.workingDirectory)
        var requests: [(ManifestKind, String)] = []
        if let existingPath {
            do throws(RegistryError) {
                requests = try Lockfile.load(from: existingPath).pins.map { ($0.kind, $0.reference) }
            } catch {
                throw .registry(error)
            }
        }
        for kind in ManifestKind.allCases {
            for text in invocation.all(kind.rawValue) {
                let reference = try parseReference(text)
                if !requests.contains(where: { $0.0 == kind && $0.1 == reference.description }) {
                    requests.append((kind, reference.description))
                }
            }
        }
        guard !requests.isEmpty else {
            throw .usage("nothing to lock; name what the project uses, e.g. --agent claude --provider anthropic", usage: invocation.usage)
        }
        let resolver = RegistryResolver(try context.openRegistries())
        var revisions: [String: String] = [:]
        var pins: [Lockfile.Pin] = []
        for (kind, text) in requests {
            let resolution: Resolution
            do throws(RegistryError) {
                resolution = try resolver.resolve(try ManifestReference(parsing: text), kind: kind, warn: Console.warn)
            } catch {
                throw .registry(error)
            }
            let name = resolution.registry.name
            if revisions[name] == nil { revisions[name] = resolution.registry.revision ?? "unknown" }
            pins.append(Lockfile.Pin(kind: kind, reference: text, resolution: resolution, revision: revisions[name]!))
        }
        let lockfile = Lockfile(pins: pins)
        let path = existingPath ?? context.workingDirectory + "/" + Lockfile.fileName
        let audit = try AuditTrail.open(context)
        do throws(RegistryError) { try lockfile.save(to: path) } catch { throw .registry(error) }
        var table = TextTable(["KIND", "REF", "ID", "VERSION", "REGISTRY", "REVISION"])
        for pin in lockfile.pins {
            table.add([pin.kind.rawValue, pin.reference, pin.id, pin.version.description, pin.registry, RegistryCommands.shortRevision(pin.revision)])
        }
        Console.out("wrote \(path)\n\n" + table.text)
        AuditTrail.record(audit, "registry", ["action": "lock", "lockfile": path, "pins": lockfile.pins.map { "\($0.id)@\($0.version)" }.joined(separator: ",")])
        return .success
    }

    static let verify = Command(
        "verify", summary: "check that everything resolves exactly as ringlet.lock pins it (exit 3 if not)",
        options: [Command.jsonOption]
    ) { (invocation) throws(CLIError) in
        struct Report: Encodable { var lockfile: String, pins: Int, differences: [String] }
        let context = invocation.context
        guard let path = Lockfile.find(from: context.workingDirectory) else {
            throw .lockDrift(["no \(Lockfile.fileName) in \(context.workingDirectory) or its parents; run `ringlet registry lock`"])
        }
        let lockfile: Lockfile
        do throws(RegistryError) { lockfile = try Lockfile.load(from: path) } catch { throw .registry(error) }
        let differences = LockVerifier(resolver: RegistryResolver(try context.openRegistries())).verify(lockfile)
        let lines = differences.map(\.description)
        if invocation.json {
            try JSONOutput.print(Report(lockfile: path, pins: lockfile.pins.count, differences: lines))
            return lines.isEmpty ? .success : .lockDrift
        }
        guard lines.isEmpty else { throw .lockDrift(["\(path) no longer holds:"] + lines.map { "  " + $0 }) }
        Console.out("\(path) holds: \(lockfile.pins.count) pins verified")
        return .success
    }

    /// In locked mode, refuses a resolution that differs from the lockfile's pin for the same reference.
    static func enforce(_ reference: ManifestReference, kind: ManifestKind, resolver: RegistryResolver,
                        context: CLIContext) throws(CLIError) {
        guard let (path, lockfile) = try context.enforcedLockfile() else { return }
        guard let pin = lockfile.pin(kind: kind, reference: reference.description) else {
            throw .lockDrift(["\(kind.rawValue) '\(reference)' is not pinned in \(path); run `ringlet registry lock --\(kind.rawValue) \(reference)`"])
        }
        let differences = LockVerifier(resolver: resolver).check(pin)
        guard differences.isEmpty else { throw .lockDrift(["\(path) no longer holds:"] + differences.map { "  \($0)" }) }
    }

    /// In locked mode, refuses to go on while any pin of the lockfile no longer holds.
    static func enforceAll(resolver: RegistryResolver, context: CLIContext) throws(CLIError) {
        guard let (path, lockfile) = try context.enforcedLockfile() else { return }
        let differences = LockVerifier(resolver: resolver).verify(lockfile)
        guard differences.isEmpty else { throw .lockDrift(["\(path) no longer holds:"] + differences.map { "  \($0)" }) }
    }

    static func parseReference(_ text: String) throws(CLIError) -> ManifestReference {
        do throws(RegistryError) {
            return try ManifestReference(parsing: text)
        } catch {
            throw .registry(error)
        }
    }
}
