import Foundation
import RingletTestSupport
import Testing

/// Places in the repository, derived from this file's path (never hard-coded).
enum Repository {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = tests.deletingLastPathComponent().deletingLastPathComponent().path
    /// The built-in registry's source folder.
    static let registry = root + "/registry"
    static let fixtures = tests.appendingPathComponent("Fixtures").path
}

/// Exit statuses as the product documents them.
enum Exit {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let drift: Int32 = 3
}

/// Checks a run's exit status and that its messages say what they must; on failure shows the whole run.
func expect(_ result: ProcessResult, exit status: Int32, stderr: [String] = [], stdout: [String] = [],
            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
    for needle in stderr {
        #expect(result.stderr.contains(needle), "stderr lacks \"\(needle)\"\n\(result)", sourceLocation: sourceLocation)
    }
    for needle in stdout {
        #expect(result.stdout.contains(needle), "stdout lacks \"\(needle)\"\n\(result)", sourceLocation: sourceLocation)
    }
}

/// Like `expect`, but the command must succeed (else the test stops: later steps depend on it).
@discardableResult
func succeed(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// Where a reference resolved: the registry and the version.
struct Resolved: Equatable, CustomStringConvertible {
    var registry: String
    var version: String
    init(_ registry: String, _ version: String) {
        self.registry = registry
        self.version = version
    }
    var description: String { "\(registry) \(version)" }
}

extension RingletWorkspace {
    /// What `ringlet agents inspect REF --json FLAGS` resolves to, or nil when the command fails.
    func resolvedAgent(_ reference: String, _ flags: String...) throws -> Resolved? {
        let result = try run(["agents", "inspect", reference, "--json"] + flags)
        guard result.status == 0, let object = try? result.jsonObject() else { return nil }
        return Resolved(object["registry"] as? String ?? "?", object["version"] as? String ?? "?")
    }
}
