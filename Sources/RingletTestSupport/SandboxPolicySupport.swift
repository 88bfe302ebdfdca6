import Foundation

/// What the sandbox-policy end-to-end tests share: projects that are git repositories, the global
/// egg.yaml, raw bytes on disk, `explain` text made comparable across machines, and golden files.
extension RingletWorkspace {
    /// Creates `work/relative` as a git repository (so it is a repository root for egg.yaml discovery).
    @discardableResult
    public func repository(_ relative: String) throws -> String {
        try GitRepository(at: path(relative)).path
    }

    /// `$RINGLET_HOME/config/egg.yaml`, the global layer.
    public var globalEgg: String { home + "/config/egg.yaml" }

    /// Writes the global egg.yaml; returns its path.
    @discardableResult
    public func writeGlobalEgg(_ text: String) throws -> String {
        try TemporaryDirectory.write(text, to: globalEgg)
    }

    /// Writes `bytes` exactly (no encoding) at `work/relative`; for files that are not valid UTF-8.
    @discardableResult
    public func writeBytes(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full])
        }
        return full
    }
}

/// `ringlet sandbox explain` text with the test's temporary paths replaced by placeholders
/// (`<home>`, `<ws>` …), so the same golden file holds on any machine and in any temp folder.
///
/// The Files table pads its path column to the longest path, so once paths are replaced the column
/// is padded again the same way (access 11 wide, path as wide as the longest plus two), and a golden
/// file shows the table as a user would see it.
public enum PolicyText {
    public static func normalize(_ text: String, placeholders: [(path: String, name: String)]) -> String {
        var text = text
        for (path, name) in placeholders.sorted(by: { $0.path.count > $1.path.count }) {
            text = text.replacingOccurrences(of: path, with: name)
        }
        var lines = text.components(separatedBy: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("Files") }) else { return text }
        let end = lines[header...].firstIndex(of: "") ?? lines.endIndex
        let rows = (header + 1 ..< end).compactMap { index in fileRow(lines[index]).map { (index, $0) } }
        let width = (rows.map(\.1.path.count).max() ?? 0) + 2
        for (index, row) in rows {
            lines[index] = "  " + pad(row.access, 11) + pad(row.path, width) + row.origin
        }
        return lines.joined(separator: "\n")
    }

    /// `LINE:COLUMN` (1-based) of the first `needle` in `text`: where a YAML scalar written as `needle` is.
    public static func position(of needle: String, in text: String) -> String? {
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: needle) {
                return "\(index + 1):\(line.distance(from: line.startIndex, to: range.lowerBound) + 1)"
            }
        }
        return nil
    }

    /// `  ACCESS PATH ORIGIN` (a rule row); the indented lines under a row say what became of it.
    private static func fileRow(_ line: String) -> (access: String, path: String, origin: String)? {
        guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
        let parts = line.dropFirst(2).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        let origin = parts[2].drop { $0 == " " }
        return (String(parts[0]), String(parts[1]), String(origin))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Files under `Tests/…/Fixtures` that hold the exact expected output of a command.
///
/// Run the tests with `RINGLET_UPDATE_GOLDEN=1` to rewrite every golden file a test compares with
/// from what the command printed now; review the diff before committing it.
public enum GoldenFile {
    public static var isUpdating: Bool { ProcessInfo.processInfo.environment["RINGLET_UPDATE_GOLDEN"] == "1" }

    /// nil when `actual` is what `file` holds (or was just written there); otherwise what differs.
    public static func mismatch(_ actual: String, file: String) throws -> String? {
        if isUpdating {
            try TemporaryDirectory.write(actual, to: file)
            return nil
        }
        guard let expected = try? String(contentsOfFile: file, encoding: .utf8) else {
            return "no golden file \(file); run with RINGLET_UPDATE_GOLDEN=1 to write it. Output:\n\(actual)"
        }
        guard expected != actual else { return nil }
        let want = expected.components(separatedBy: "\n"), got = actual.components(separatedBy: "\n")
        let line = zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(want.count, got.count)
        return """
        \(file) differs from the output at line \(line + 1) (RINGLET_UPDATE_GOLDEN=1 rewrites it):
          expected: \(line < want.count ? want[line] : "<end of file>")
          actual:   \(line < got.count ? got[line] : "<end of output>")
        --- whole output
        \(actual)
        """
    }
}
