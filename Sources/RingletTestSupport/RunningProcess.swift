import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started in the background, for tests that need two processes at once in a known order:
/// start one, wait until it says it got somewhere, do something else, then collect its result.
public final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private var stderrSoFar = Data()

    public init(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads stderr until it contains `text`; false when the process closed stderr (exited) first.
    public func waitForStderr(containing text: String) -> Bool {
        while !String(decoding: stderrSoFar, as: UTF8.self).contains(text) {
            let chunk = stderrPipe.fileHandleForReading.availableData
            if chunk.isEmpty { return false }
            stderrSoFar.append(chunk)
        }
        return true
    }

    /// Waits for the exit and returns everything the process printed.
    public func finish() -> ProcessResult {
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data()
        nonisolated(unsafe) var err = Data()
        DispatchQueue.global().async(group: group) { out = self.stdoutPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = self.stderrPipe.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: stderrSoFar + err, as: UTF8.self))
    }
}

extension RingletBinary {
    /// Starts `ringlet ARGUMENTS` in the background with the same isolated environment as `run`.
    public func start(_ arguments: [String], in directory: String? = nil) throws -> RunningProcess {
        let environment = [
            "RINGLET_HOME": home,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
        ]
        return try RunningProcess(path, arguments, in: directory ?? home, environment: environment)
    }
}

/// An exclusive `flock` on a file, held by the test process until `release()` or deinit: makes a
/// `ringlet` process that needs the same lock wait at a known point.
public final class HeldFileLock: @unchecked Sendable {
    private var descriptor: Int32

    public init(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path])
        }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
