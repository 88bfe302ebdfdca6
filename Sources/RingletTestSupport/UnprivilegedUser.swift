import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A normal (unprivileged) system user, for end-to-end tests that must see the sandbox the way a
/// developer's own account does, not the way CI's root does.
///
/// Why it exists: CI runs the tests as root, and a sandbox that holds for root proves little about a
/// normal user. Started by root, bwrap keeps root's capabilities while it sets up, maps uid 0, and the
/// host files it protects mostly belong to someone else, so file permissions stop many attacks before
/// the sandbox has to. Started by a normal user, bwrap takes the unprivileged user-namespace path: the
/// kernel's rules for creating a user namespace without privilege, a uid map of the user's own uid only,
/// mounts made from inside that namespace. And the secrets are the user's own files, the git hooks are
/// writable by them, their other processes can be signalled by them and they may create user
/// namespaces: outside the sandbox every one of those attacks works, so only the sandbox stands in the way.
///
/// Only root can make the user and switch to it: `ensure` creates it (once; `useradd --system`, no home
/// folder, "already exists" is success since test processes may race) and `run` starts programs as it
/// through `setpriv --reuid --regid --clear-groups` with an explicit, minimal environment.
public struct UnprivilegedUser: Sendable {
    public static let defaultName = "ringlet-sandbox-test"

    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether this process can create and become the test user (it must be root).
    public static var isAvailable: Bool { getuid() == 0 }

    /// The user `name`, created as a system user with its own group when it does not exist yet.
    public static func ensure(_ name: String = defaultName) throws -> UnprivilegedUser {
        guard isAvailable else { throw Failure(description: "only root can create and become the user \(name)") }
        // Another test process may be running useradd at the same moment: its lock on /etc/passwd makes
        // ours fail, and its success makes ours report "already exists". Both end with the user existing.
        var lastFailure = ""
        for _ in 0 ..< 40 {
            if let user = try lookUp(name) { return user }
            let result = try ProcessRunner.run(tool("useradd"), ["--system", "--shell", "/bin/bash", "--no-create-home", "--user-group", name])
            if let user = try lookUp(name) { return user }
            lastFailure = "\(result)"
            usleep(250_000)
        }
        throw Failure(description: "useradd \(name) failed and the user does not exist: \(lastFailure)")
    }

    /// The user's uid and gid from the user database, through `getent` (`getpwnam` is not thread-safe).
    private static func lookUp(_ name: String) throws -> UnprivilegedUser? {
        let result = try ProcessRunner.run(tool("getent"), ["passwd", name])
        let fields = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":", omittingEmptySubsequences: false)
        guard result.status == 0, fields.count >= 4, let uid = uid_t(fields[2]), let gid = gid_t(fields[3]) else { return nil }
        guard uid != 0 else { throw Failure(description: "\(name) has uid 0; it must be an unprivileged user") }
        return UnprivilegedUser(name: name, uid: uid, gid: gid)
    }

    /// A system tool by name; /usr/sbin and /sbin may be missing from a test runner's PATH.
    static func tool(_ name: String) -> String {
        if let found = try? ProcessRunner.which(name) { return found }
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        return name
    }

    /// The environment a program run as this user gets: exactly PATH, HOME, LANG and RINGLET_HOME (when
    /// given), then `extra`. Nothing of the test process's own environment leaks in.
    public static func environment(home: String, ringletHome: String? = nil, extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
        ]
        if let ringletHome { environment["RINGLET_HOME"] = ringletHome }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// The `setpriv` command line that runs the rest as this user, with no supplementary groups.
    public var setprivPrefix: [String] {
        ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
    }

    /// Runs `executable ARGUMENTS` as this user in `directory` with exactly `environment`. The program
    /// is stopped after `timeout` seconds (exit 124) so a hang fails the test instead of stalling it;
    /// the bound is generous and never part of what a test asserts.
    @discardableResult
    public func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
                    timeout: Int = 300, stdin: String? = nil) throws -> ProcessResult {
        let command = ["timeout", "--kill-after=10", String(timeout), executable] + arguments
        return try ProcessRunner.run(UnprivilegedUser.tool("setpriv"), setprivPrefix + command, in: directory,
                                     environment: environment, stdin: stdin)
    }

    /// Starts `executable ARGUMENTS` as this user in the background (e.g. a process the sandbox must not
    /// be able to signal); it is killed when the returned process goes away.
    public func start(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String]) throws -> BackgroundProcess {
        try BackgroundProcess(UnprivilegedUser.tool("setpriv"), setprivPrefix + [executable] + arguments, in: directory, environment: environment)
    }

    /// Whether this user may execute `path` (`test -x` as the user, so every parent folder counts).
    public func canExecute(_ path: String) throws -> Bool {
        try run(UnprivilegedUser.tool("test"), ["-x", path], in: "/", environment: UnprivilegedUser.environment(home: "/")).status == 0
    }

    /// Changes the owner of `path` (and everything under it, symlinks themselves, not what they point
    /// at) to this user.
    public func take(_ path: String) throws {
        let result = try ProcessRunner.run(UnprivilegedUser.tool("chown"), ["-R", "-P", "-h", "\(uid):\(gid)", "--", path])
        guard result.status == 0 else { throw Failure(description: "chown \(path): \(result)") }
    }
}

/// One isolated world owned by an `UnprivilegedUser`: the user's real HOME (`home/`), a project in it
/// that is a git repository (`home/project`), a `RINGLET_HOME` (`ringlet/`), and a `ringlet` binary
/// the user may execute. Everything is removed when the world goes away.
///
/// The world is made under /var/tmp, not the system temp folder `RingletWorkspace` uses: the sandbox
/// puts a private tmpfs on /tmp, so a HOME under /tmp would be invisible inside for that reason alone
/// and the tests of the HOME's secrets would pass even if the policy's denials were gone.
public final class UnprivilegedWorld: @unchecked Sendable {
    public let user: UnprivilegedUser
    /// The world's canonical root.
    public let root: String
    /// The user's real HOME (owned by the user), holding the project.
    public let home: String
    /// `RINGLET_HOME`.
    public let ringletHome: String
    /// The project: a git repository, the sandbox's workspace when ringlet runs in it.
    public let project: String
    /// A `ringlet` the user can execute: the built one, or a copy in a 0755 folder when a folder above
    /// the built one shuts the user out (say a 0700 home of whoever built it).
    public let binary: String

    public init(user: UnprivilegedUser, parent: String = "/var/tmp", prefix: String = "ringlet-asuser") throws {
        self.user = user
        var template = Array("\(parent)/\(prefix)-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw UnprivilegedUser.Failure(description: "mkdtemp in \(parent): \(String(cString: strerror(errno)))")
        }
        let made = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        root = URL(fileURLWithPath: made).resolvingSymlinksInPath().standardizedFileURL.path
        home = root + "/home"
        ringletHome = root + "/ringlet"
        project = home + "/project"
        do {
            try FileManager.default.createDirectory(atPath: ringletHome, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            _ = try GitRepository(at: project)
            try user.take(root)
            binary = try UnprivilegedWorld.executableRinglet(for: user, spare: root + "/bin")
        } catch {
            try? FileManager.default.removeItem(atPath: made)
            throw error
        }
    }

    /// The built binary when the user can execute it; else a copy in `spare` (created 0755, root's).
    private static func executableRinglet(for user: UnprivilegedUser, spare: String) throws -> String {
        let built = RingletBinary(home: "/").path
        if try user.canExecute(built) { return built }
        try FileManager.default.createDirectory(atPath: spare, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let copy = spare + "/ringlet"
        try FileManager.default.copyItem(atPath: built, toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        guard try user.canExecute(copy) else {
            throw UnprivilegedUser.Failure(description: "\(user.name) can execute neither \(built) nor its copy \(copy)")
        }
        return copy
    }

    /// Writes `text` at the absolute `path` (creating parent folders) and hands what was made to the user.
    @discardableResult
    public func write(_ text: String, to path: String, mode: Int = 0o644) throws -> String {
        var firstNew = path
        var parent = (path as NSString).deletingLastPathComponent
        while !FileManager.default.fileExists(atPath: parent) {
            firstNew = parent
            parent = (parent as NSString).deletingLastPathComponent
        }
        try TemporaryDirectory.write(text, to: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        try user.take(firstNew)
        return path
    }

    /// A symbolic link at `path` to `destination`, owned by the user.
    public func symlink(_ path: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: destination)
        try user.take(path)
    }

    /// The environment ringlet gets: PATH, HOME (the world's), LANG, RINGLET_HOME, then `extra`.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        UnprivilegedUser.environment(home: home, ringletHome: ringletHome, extra: extra)
    }

    /// Runs `executable ARGUMENTS` as the user with the world's environment (in the project by default).
    @discardableResult
    public func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                    environment extra: [String: String] = [:]) throws -> ProcessResult {
        try user.run(executable, arguments, in: directory ?? project, environment: environment(extra))
    }

    /// Runs `ringlet ARGUMENTS` as the user (in the project by default), `extra` added to its environment.
    @discardableResult
    public func ringlet(_ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:]) throws -> ProcessResult {
        try run(binary, arguments, in: directory, environment: extra)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    deinit { remove() }
}
