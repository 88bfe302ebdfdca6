import Glibc
import RingletPolicy
import RingletSystem

/// The bubblewrap command line for one run: namespaces, the file-system view the composed policy
/// decides, the exact environment, and the working directory.
///
/// The host is read-only at `/` with private /tmp and /run; the profile's home is mounted at the user's
/// HOME, so the agent never sees the real one. Then the policy goes path by path, shallow first so
/// deeper rules land on top, and each rule is applied where its host path actually shows inside
/// (`SandboxView`): read-write paths bound writable, read paths read-only, denied folders covered by an
/// empty read-only tmpfs and denied files by /dev/null. Paths granted outright (`rw:`, `ro:`, the
/// workspace, the agent's install roots) that the private HOME or /tmp would hide are bound at their
/// real paths. A protected path that does not exist inside a writable bind gets an empty placeholder
/// on the host for the run (removed afterwards), so the agent cannot create it either.
public struct SandboxPlan: Sendable {
    /// An empty file or folder made on the host for the run so a missing protected path can be held
    /// read-only; removed afterwards if it is still empty.
    public struct Placeholder: Sendable, Equatable {
        public var path: String
        public var isFolder: Bool

        public init(path: String, isFolder: Bool) {
            self.path = path
            self.isFolder = isFolder
        }
    }

    /// bwrap's options, handed over through `--args FD`.
    public var options: [String]
    /// What runs inside: the agent and its arguments.
    public var command: [String]
    /// Why the plan had to skip a rule, for the run's first lines (never silent).
    public var notes: [String]
    public var placeholders: [Placeholder]
    /// HOME inside the sandbox: the user's HOME path, showing the profile's home.
    public var home: String

    /// - Parameters:
    ///   - installRoots: where the agent is installed (`AgentInstallation`), bound read-only.
    ///   - newSession: detach from the terminal (`--new-session`); off only when the agent's terminal is
    ///     Ringlet's own pseudo-terminal, whose input it may as well type into.
    ///   - extraArguments: `--bwrap-flag` values, added after the generated options.
    ///   - runEnvironment: variables for this run only (the provider's key among them): set last, and,
    ///     like every option, passed through `--args FD`, never on a command line.
    ///   - fixedFiles: host files bound read-only at fixed paths under /run (the hook dispatcher).
    public init(policy: ComposedPolicy, context: PolicyContext, command: [String], hostEnvironment: [String: String],
                proxied: Bool = false, installRoots: [String] = [], newSession: Bool = true,
                extraArguments: [String] = [], runEnvironment: [String: String] = [:],
                fixedFiles: [(source: String, destination: String)] = []) throws(SandboxError) {
        guard policy.decide(path: "/").canRead else {
            throw .unsupported("a policy without a readable host root (base: none) cannot run yet; add ro:/ or drop base: none")
        }
        let rules = policy.fileReport.map(\.rule)
        var builder = Builder(policy: policy, rules: rules)
        builder.arguments = [
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
            "--disable-userns", "--die-with-parent", "--cap-drop", "ALL",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--size", String(Self.temporarySize(policy)), "--tmpfs", "/tmp", "--size", String(1 << 26), "--tmpfs", "/run",
        ] + (newSession ? ["--new-session"] : [])
        for file in fixedFiles { builder.arguments += ["--ro-bind", file.source, file.destination] }
        builder.view.mount("/", from: "/", writable: false)
        for kernel in ["/dev", "/proc", "/tmp", "/run"] { builder.view.mount(kernel, from: nil, writable: true) }

        // The swap is skipped when the workspace is HOME or holds it: the user asked for that folder.
        let swapsHome = context.userHome != "/" && FileStatus.of(context.userHome) == .directory
            && FileStatus.of(context.profileHome) == .directory && !PathResolver.isWithin(context.userHome, context.workspace)
        home = swapsHome ? context.userHome : context.profileHome
        if !swapsHome && context.userHome != "/" {
            builder.notes.append("HOME is \(context.profileHome): the workspace holds your HOME, so the profile's home is not moved there")
        }

        let roots = Set(installRoots)
        var entries = Set(rules.map(\.path)).subtracting(roots).filter { $0 != "/" }.map { Entry(path: $0, kind: .rule) }
        entries += roots.map { Entry(path: $0, kind: .installRoot) }
        if swapsHome { entries.append(Entry(path: context.userHome, kind: .home)) }
        for entry in entries.sorted() {
            switch entry.kind {
            case .home:
                builder.arguments += ["--bind", context.profileHome, context.userHome]
                builder.view.mount(context.userHome, from: context.profileHome, writable: true)
            case .rule, .installRoot:
                builder.apply(entry)
            }
        }
        builder.arguments += builder.remounts + ["--clearenv"]
        var environment = SandboxPlan.environment(policy: policy, host: hostEnvironment)
        environment["HOME"] = home
        if proxied { for (name, value) in NetworkBridge.environment { environment[name] = value } }
        environment.merge(runEnvironment) { _, run in run }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            builder.arguments += ["--setenv", name, value]
        }
        builder.arguments += ["--chdir", context.workspace]
        options = builder.arguments + extraArguments
        self.command = command
        notes = builder.notes
        placeholders = builder.placeholders
    }

    /// Exactly the composed environment: pass-through names the host has, and settings.
    static func environment(policy: ComposedPolicy, host: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in host where policy.passes(environment: name) != nil { result[name] = value }
        for setting in policy.settings { result[setting.name] = setting.value }
        return result
    }

    /// The private /tmp holds at most the memory limit (its pages are the sandbox's memory), 1 GiB without one.
    static func temporarySize(_ policy: ComposedPolicy) -> Int {
        min(policy.memoryBytes?.value ?? Int.max, 1 << 30)
    }

    /// Creates the placeholders on the host; those made are returned for `removePlaceholders`.
    public func createPlaceholders() throws(SandboxError) -> [Placeholder] {
        var made: [Placeholder] = []
        for placeholder in placeholders where !FileStatus.of(placeholder.path).exists {
            do throws(SystemError) {
                if placeholder.isFolder {
                    try Directory.create(placeholder.path, mode: 0o755)
                } else {
                    try AtomicFile.write([], to: placeholder.path, mode: 0o644)
                }
            } catch {
                Self.removePlaceholders(made)
                throw .launch("cannot make a placeholder for protected \(placeholder.path): \(error)")
            }
            made.append(placeholder)
        }
        return made
    }

    /// Removes placeholders the run left empty; one the user filled in meanwhile stays.
    public static func removePlaceholders(_ made: [Placeholder]) {
        for placeholder in made.reversed() {
            switch FileStatus.of(placeholder.path) {
            case .directory where placeholder.isFolder: rmdir(placeholder.path)
            case .file(size: 0) where !placeholder.isFolder: unlink(placeholder.path)
            default: break
            }
        }
    }
}

extension SandboxPlan {
    /// One path the plan must decide mounts for. Sorted shallow first; at one path a rule comes before
    /// the home swap (so `ro: ~` cannot undo it), and the swap before the install roots under it.
    struct Entry: Comparable {
        enum Kind: Int { case rule, home, installRoot }
        var path: String
        var kind: Kind
        let depth: Int

        init(path: String, kind: Kind) {
            self.path = path
            self.kind = kind
            depth = PathResolver.depth(path)
        }

        static func < (a: Entry, b: Entry) -> Bool {
            (a.depth, a.path, a.kind.rawValue) < (b.depth, b.path, b.kind.rawValue)
        }
    }

    /// The mounts as they accumulate, with the view they make.
    struct Builder {
        let policy: ComposedPolicy
        var arguments: [String] = []
        var view = SandboxView()
        var notes: [String] = []
        var placeholders: [Placeholder] = []
        /// Read-only remounts come last: an exception inside a denied folder (known_hosts in ~/.ssh) needs
        /// its mount point made while the tmpfs is still writable.
        var remounts: [String] = []

        /// Paths a rule grants outright (`rw:`, `ro:`): brought in where the private HOME or /tmp hides them.
        let grants: Set<String>

        init(policy: ComposedPolicy, rules: [PolicyLayer.FileRule]) {
            self.policy = policy
            grants = Set(rules.filter { $0.access == .rw || $0.access == .ro }.map(\.path))
        }

        mutating func apply(_ entry: Entry) {
            let path = entry.path
            let decision = policy.decide(path: path)
            if entry.kind == .installRoot && !decision.canRead {
                notes.append("the agent's install folder \(path) is denied by the policy, so it is not in the sandbox")
                return
            }
            var places = view.places(showing: path)
            let status = FileStatus.of(path)
            guard status.exists else {
                if decision.access != .write { protectMissing(path, places: places, access: decision.access) }
                return
            }
            let granted = entry.kind == .installRoot || grants.contains(path)
            if places.isEmpty && granted && decision.canRead { places = [path] }
            for place in places { mount(path, at: place, access: decision.access, status: status) }
        }

        private mutating func mount(_ path: String, at place: String, access: FileDecision.Access, status: FileStatus) {
            let shown = view.hostPath(at: place) == path
            let writable = view.covering(place)?.writable ?? false
            switch access {
            case .write:
                guard !(shown && writable) else { return }
                arguments += ["--bind", path, place]
                view.mount(place, from: path, writable: true)
            case .read:
                guard !(shown && !writable) else { return }
                arguments += ["--ro-bind", path, place]
                view.mount(place, from: path, writable: false)
            case .none:
                if status == .directory {
                    arguments += ["--size", "4096", "--tmpfs", place]
                    remounts += ["--remount-ro", place]
                } else if case .file = status {
                    arguments += ["--ro-bind", "/dev/null", place]
                } else {
                    notes.append("\(path) is neither a file nor a folder; it is left as the host has it")
                    return
                }
                view.mount(place, from: nil, writable: false)
            }
        }

        /// A protected path that does not exist must not be creatable where the agent can write. The first
        /// missing folder on its way (or the path itself) gets an empty placeholder held read-only (or
        /// empty, when denied): with no `.git`, the agent cannot make one and plant hooks in it.
        private mutating func protectMissing(_ path: String, places: [String], access: FileDecision.Access) {
            let exposed = places.filter { place in view.covering(place).map { $0.writable && $0.source != nil } ?? false }
            guard !exposed.isEmpty else { return }
            var top = path
            while case let folder = PathResolver.parent(of: top), folder != "/", !FileStatus.of(folder).exists { top = folder }
            let placeholder = Placeholder(path: top, isFolder: top != path || Self.looksLikeFolder(path))
            if !placeholders.contains(placeholder) { placeholders.append(placeholder) }
            for place in exposed {
                mount(top, at: String(place.dropLast(path.count - top.count)), access: access,
                      status: placeholder.isFolder ? .directory : .file(size: 0))
            }
        }

        /// A placeholder's kind, from the name: with an extension it is a file (`settings.json`), else a folder (`hooks`).
        static func looksLikeFolder(_ path: String) -> Bool {
            let name = path[path.index(after: path.lastIndex(of: "/") ?? path.startIndex)...]
            return !name.dropFirst().contains(".")
        }
    }
}
