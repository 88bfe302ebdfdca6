import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running program (a server) started by a test: its output is drained as it comes, it can be
/// sent signals, waited for with a bound, and it is killed on deinit if the test forgot or failed,
/// so no server outlives its test.
public final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let drained = DispatchGroup()

    public init(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        drain(out.fileHandleForReading, isStderr: false)
        drain(err.fileHandleForReading, isStderr: true)
    }

    private func drain(_ handle: FileHandle, isStderr: Bool) {
        DispatchQueue.global().async(group: drained) {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                self.lock.withLock {
                    if isStderr { self.stderrData.append(chunk) } else { self.stdoutData.append(chunk) }
                }
            }
        }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var stdoutSoFar: String { lock.withLock { String(decoding: stdoutData, as: UTF8.self) } }
    public var stderrSoFar: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }

    /// Waits until stderr contains `text` and returns stderr so far; nil when the process exited or
    /// `timeout` passed first.
    public func waitForStderr(containing text: String, timeout: Duration = .seconds(60)) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let sofar = stderrSoFar
            if sofar.contains(text) { return sofar }
            if !process.isRunning { return stderrSoFar.contains(text) ? stderrSoFar : nil }
            usleep(20_000)
        }
        return nil
    }

    public func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for the exit and returns what the process printed; nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration = .seconds(60)) -> ProcessResult? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            usleep(20_000)
        }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 10)
        return ProcessResult(status: process.terminationStatus, stdout: stdoutSoFar, stderr: stderrSoFar)
    }

    /// Kills the process if it is still running (SIGKILL) and reaps it.
    public func forceStop() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    deinit { forceStop() }
}

extension RingletBinary {
    /// Starts `ringlet ARGUMENTS` as a background server with the same isolated environment as `run`.
    public func startInBackground(_ arguments: [String], in directory: String? = nil) throws -> BackgroundProcess {
        let environment = [
            "RINGLET_HOME": home,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
        ]
        return try BackgroundProcess(path, arguments, in: directory ?? home, environment: environment)
    }
}
