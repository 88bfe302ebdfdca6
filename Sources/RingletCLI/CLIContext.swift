import Glibc
import RingletRegistry
import RingletSystem
import Synchronization

/// What a command runs against: Ringlet's directories, the working directory, and the global switches.
public struct CLIContext: Sendable {
    public var directories: RingletDirectories
    public var workingDirectory: String
    public var offline = false
    public var lockedByFlag = false
    /// CI systems set `CI`; there a present `ringlet.lock` is enforced without `--locked`.
    public var runningInCI: Bool

    public static func fromEnvironment() -> CLIContext {
        var cwd = "."
        if let pointer = getcwd(nil, 0) {
            cwd = String(cString: pointer)
            free(pointer)
        }
        let ci = Environment.value("CI").map { !$0.isEmpty && $0 != "0" && $0.lowercased() != "false" } ?? false
        return CLIContext(directories: .fromEnvironment(), workingDirectory: cwd, runningInCI: ci)
    }

    var registriesFile: String { directories.config + "/" + RegistryConfiguration.fileName }
    var cache: RegistryCache { RegistryCache(root: directories.cache + "/registries") }

    func loadConfiguration() throws(CLIError) -> RegistryConfiguration {
        do throws(RegistryError) {
            return try RegistryConfiguration.load(from: registriesFile)
        } catch {
            throw .registry(error)
        }
    }

    /// Reads, changes and saves `registries.yaml` under a lock, so concurrent `ringlet registry add`s
    /// each keep their registry.
    func updateConfiguration(_ change: (inout RegistryConfiguration) throws(CLIError) -> Void) throws(CLIError) {
        let lock: FileLock
        do throws(SystemError) {
            try Directory.create(directories.config)
            lock = try FileLock(registriesFile + ".lock")
        } catch {
            throw .failed("cannot lock \(registriesFile): \(error)")
        }
        defer { lock.unlock() }
        var configuration = try loadConfiguration()
        try change(&configuration)
        do throws(RegistryError) { try configuration.save(to: registriesFile) } catch { throw .registry(error) }
    }

    func openRegistries() throws(CLIError) -> RegistrySet {
        RegistrySet(configuration: try loadConfiguration(), cache: cache)
    }

    /// The lockfile to enforce for this command, or nil when not in locked mode.
    func enforcedLockfile() throws(CLIError) -> (path: String, lock: Lockfile)? {
        guard lockedByFlag || runningInCI else { return nil }
        guard let path = Lockfile.find(from: workingDirectory) else {
            if lockedByFlag {
                throw .lockDrift(["--locked: no \(Lockfile.fileName) in \(workingDirectory) or its parents; run `ringlet registry lock` and commit it"])
            }
            return nil
        }
        do throws(RegistryError) {
            return (path, try Lockfile.load(from: path))
        } catch {
            throw .registry(error)
        }
    }
}

/// Writes to the terminal: results to stdout, diagnostics and progress to stderr.
enum Console {
    /// Standard input to its end, or up to a little more than `limit` bytes (what follows is not read).
    static func readStandardInput(limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return bytes
    }

    static func out(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    static func err(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Unbuffered writes, so stdout and stderr interleave in order and nothing is lost on exit; a line
    /// gets its newline unless it is a prompt, which the answer follows on the same line.
    static func write(_ text: String, to descriptor: Int32, endingLine: Bool = true) {
        var bytes = Array(text.utf8)
        if endingLine && bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }

    /// Prints a warning once per process: resolving many ids must not repeat one registry's problem.
    static func warn(_ text: String) {
        guard warned.withLock({ $0.insert(text).inserted }) else { return }
        err("warning: " + text)
    }

    private static let warned = Mutex<Set<String>>([])
}
