import RingletPolicy
import RingletSystem

/// `ringlet egg init|lint`: write a starter egg.yaml, and check one.
enum EggCommands {
    static var command: Command {
        Command("egg", summary: "write and check egg.yaml, the per-project sandbox policy", subcommands: [initialize, lint])
    }

    static let starter = """
    # egg.yaml — this project's sandbox policy for Ringlet, added on top of the built-in defaults
    # (workspace read-write, the rest of the host read-only, secrets denied, no network).
    # Every field is optional. `ringlet sandbox explain` shows the result; `ringlet egg lint` checks this file.

    # base: none              # start from nothing instead of the defaults (secret denials always stay)
    # base: ~/eggs/team.yaml  # or inherit another file first (relative paths may not climb out with ..)

    fs:
      # Paths: absolute, ~/..., $VAR/..., or relative to this file's folder.
      # rw: read-write · ro: read-only · deny: invisible · deny-write: read-only, and no later layer may widen it
      - deny:.env
      # - rw:~/.cache/pip
      # - ro:/opt/datasets

    network:
      # Hosts the agent may reach through the proxy: host, *.suffix, host:port. "*" is unrestricted (flagged).
      # The agent's and the provider's own domains are added automatically.
      # - pypi.org
      # - files.pythonhosted.org

    env:
      # Host variables to pass through (names ending in _KEY, _TOKEN, _SECRET only by exact name),
      # or NAME=value settings.
      # - GOPATH
      # - RUST_LOG=info

    resources:
      # The most restrictive value of all layers wins.
      # memory: 4G
      # cpu: 30m
      # max_pids: 512
      # max_fds: 4096

    # allow-override:         # widen a parent layer's deny (never the built-in secret denials)
    #   - rw:build/generated
    """

    static let initialize = Command(
        "init", summary: "write a commented starter egg.yaml in the current folder",
        options: [.init("force", help: "replace an existing egg.yaml")]
    ) { (invocation) throws(CLIError) in
        let path = invocation.context.workingDirectory + "/" + EggLoader.fileName
        if FileStatus.of(path).exists && !invocation.flag("force") {
            throw .failed("\(path) exists; edit it, or pass --force to replace it")
        }
        do throws(SystemError) { try AtomicFile.write(starter + "\n", to: path) } catch { throw .failed("cannot write \(path): \(error)") }
        Console.out("wrote \(path); `ringlet sandbox explain` shows what it does")
        return .success
    }

    static let lint = Command(
        "lint", summary: "check an egg.yaml (and its base chain); exit 2 with file:line:column when it is wrong",
        arguments: [.init("FILE", optional: true, help: "default: ./egg.yaml")]
    ) { (invocation) throws(CLIError) in
        let context = invocation.context
        let file = PolicyRequest.absolute(invocation.arguments.first ?? EggLoader.fileName, from: context.workingDirectory)
        guard case .file = FileStatus.of(FileStatus.realPath(file) ?? file) else { throw .failed("\(file): no such file") }
        let resolver = PathResolver(home: Environment.value("HOME") ?? "/", environment: { Environment.value($0) })
        let layers: [PolicyLayer]
        do throws(PolicyError) { layers = try EggLoader.lint(file: file, resolver: resolver) } catch { throw .invalidInput(error.description) }
        let rules = layers.reduce(0) { $0 + $1.fileRules.count + $1.overrides.count + $1.network.count + $1.environment.count }
        Console.out("ok: \(file) (\(rules) rules\(layers.count > 1 ? " across a base chain of \(layers.count) files" : ""))")
        return .success
    }
}
