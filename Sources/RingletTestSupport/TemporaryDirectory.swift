import Foundation

/// A fresh directory under the system's temp folder, removed on `remove()` or deinit, so every test
/// works in isolation and leaves nothing behind.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ prefix: String = "ringlet-test") throws {
        let template = NSTemporaryDirectory() + "/\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        path = bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `text` at `relative`, creating parent folders.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try TemporaryDirectory.write(text, to: file(relative))
    }

    /// Writes `text` to the absolute `path`, creating parent folders; returns the path.
    @discardableResult
    public static func write(_ text: String, to path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public func read(_ relative: String) throws -> String {
        try String(contentsOfFile: file(relative), encoding: .utf8)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}
