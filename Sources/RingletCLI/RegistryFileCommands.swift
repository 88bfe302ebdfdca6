import RingletCrypto
import RingletRegistry
import RingletSystem

/// `ringlet registry index|lint DIR`: commands for people who publish a registry.
enum RegistryFileCommands {
    static let index = Command(
        "index", summary: "write DIR/index.yaml: every manifest with its version and sha256",
        discussion: "HTTP registries need an index; publish it with the files. --check only compares (for CI).",
        options: [.init("check", help: "do not write; exit 1 when index.yaml is missing or out of date")],
        arguments: [.init("DIR", help: "the registry folder")]
    ) { (invocation) throws(CLIError) in
        let directory = invocation.arguments[0]
        let tree = try openFolder(directory)
        let index: RegistryIndex
        do throws(RegistryError) { index = try RegistryIndex.generate(for: tree) } catch { throw .registry(error) }
        let path = directory + "/" + RegistryIndex.fileName
        if invocation.flag("check") {
            let current = try? FileBytes.readString(path)
            guard current == index.yaml else {
                Console.err("\(path) is out of date; run `ringlet registry index \(directory)`")
                return .failure
            }
            Console.out("\(path) is up to date (\(index.entries.count) manifests)")
            return .success
        }
        do throws(SystemError) { try AtomicFile.write(index.yaml, to: path) } catch { throw .failed("cannot write \(path): \(error)") }
        Console.out("wrote \(path) (\(index.entries.count) manifests)")
        return .success
    }

    static let lint = Command(
        "lint", summary: "check every manifest of a registry folder; exit 1 when any is broken",
        options: [Command.jsonOption], arguments: [.init("DIR", help: "the registry folder")]
    ) { (invocation) throws(CLIError) in
        struct Report: Encodable { var manifests: Int, problems: [String] }
        let directory = invocation.arguments[0]
        let tree = try openFolder(directory)
        let scan = RegistryScan(tree)
        var problems = scan.problems
        if tree.exists(RegistryIndex.fileName) {
            problems += indexProblems(tree, scan: scan)
        }
        if invocation.json {
            try JSONOutput.print(Report(manifests: scan.manifests.count, problems: problems))
        } else {
            for problem in problems { Console.err(problem) }
            Console.out(problems.isEmpty ? "ok: \(scan.manifests.count) manifests" : "\(problems.count) problem(s) in \(directory)")
        }
        return problems.isEmpty ? .success : .failure
    }

    /// Where `index.yaml` disagrees with the files next to it.
    static func indexProblems(_ tree: RegistryTree, scan: RegistryScan) -> [String] {
        let place = tree.display(RegistryIndex.fileName)
        let index: RegistryIndex
        do {
            index = try RegistryIndex.parse(try tree.read(RegistryIndex.fileName), file: place)
        } catch {
            return ["\(error)"]
        }
        var problems: [String] = []
        if let registryFile = try? tree.read("registry.yaml"), SHA256.hash(registryFile) != index.registrySHA256 {
            problems.append("\(place): registry_sha256 does not match registry.yaml; run `ringlet registry index`")
        }
        let files = Dictionary(scan.manifests.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        for entry in index.entries {
            guard let digest = files[entry.path] else {
                if !tree.exists(entry.path) { problems.append("\(place): lists \(entry.path), which does not exist") }
                continue
            }
            if digest != entry.sha256 {
                problems.append("\(place): sha256 of \(entry.path) does not match (index \(entry.sha256.hex), file \(digest.hex)); run `ringlet registry index`")
            }
        }
        let listed = Set(index.entries.map(\.path))
        for path in files.keys.sorted() where !listed.contains(path) {
            problems.append("\(place): does not list \(path); run `ringlet registry index`")
        }
        return problems
    }

    private static func openFolder(_ directory: String) throws(CLIError) -> RegistryTree {
        guard FileStatus.of(directory) == .directory || FileStatus.realPath(directory).map({ FileStatus.of($0) == .directory }) == true else {
            throw .usage("\(directory) is not a folder", usage: "ringlet registry lint DIR")
        }
        return .directory(directory, label: directory.hasSuffix("/") ? String(directory.dropLast()) : directory)
    }
}
