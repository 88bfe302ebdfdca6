import Foundation

/// The text of small, valid manifests and registry files, for tests that build registries on the fly.
public enum ManifestText {
    /// `registry.yaml` for a registry called `name`.
    public static func registry(name: String, description: String = "a registry made by a test") -> String {
        """
        name: \(name)
        description: \(description)
        format: 1

        """
    }

    /// A minimal agent manifest; `extra` is appended verbatim (top-level YAML lines).
    public static func agent(_ id: String, _ version: String, binary: String? = nil, extra: String = "") -> String {
        """
        kind: agent
        schema: 1
        id: \(id)
        version: \(version)
        binary:
          name: \(binary ?? id)
        \(extra)
        """
    }

    /// A minimal provider manifest speaking the anthropic API family at `url`.
    public static func provider(_ id: String, _ version: String, url: String = "https://api.example.com", extra: String = "") -> String {
        """
        kind: provider
        schema: 1
        id: \(id)
        version: \(version)
        apis:
          - family: anthropic
            endpoints:
              - name: default
                url: "\(url)"
                default: true
        \(extra)
        """
    }
}

/// A registry folder on disk (`registry.yaml`, `agents/<id>/<version>.yaml`, `providers/…`), built and
/// changed by a test: publish a version, change bytes in place, plant a symlink.
public struct RegistryFixture: Sendable {
    public let path: String

    /// Creates the folder (if needed) with a `registry.yaml` naming the registry `name`.
    public init(at path: String, name: String, description: String = "a registry made by a test") throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try write("registry.yaml", ManifestText.registry(name: name, description: description))
    }

    /// Opens an existing folder without writing anything.
    public init(existing path: String) {
        self.path = path
    }

    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Publishes agent `id` `version` (a valid manifest unless `text` says otherwise); returns its path.
    @discardableResult
    public func agent(_ id: String, _ version: String, binary: String? = nil, extra: String = "", text: String? = nil) throws -> String {
        try write("agents/\(id)/\(version).yaml", text ?? ManifestText.agent(id, version, binary: binary, extra: extra))
    }

    /// Publishes provider `id` `version`; returns its path.
    @discardableResult
    public func provider(_ id: String, _ version: String, url: String = "https://api.example.com", text: String? = nil) throws -> String {
        try write("providers/\(id)/\(version).yaml", text ?? ManifestText.provider(id, version, url: url))
    }

    /// Writes `text` at `relative`, creating parent folders.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try TemporaryDirectory.write(text, to: file(relative))
    }

    /// Appends `text` to an existing file: its bytes change, its version does not.
    public func append(_ relative: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file(relative)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    public func read(_ relative: String) throws -> String {
        try String(contentsOfFile: file(relative), encoding: .utf8)
    }

    public func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: file(relative))
    }

    /// Creates a symlink at `relative` pointing at `destination` (absolute or relative to the link).
    public func symlink(_ relative: String, to destination: String) throws {
        let full = file(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: destination)
    }

    /// Copies a whole folder (e.g. a fixture under `Tests/…/Fixtures`) to `destination` and opens it.
    public static func copy(of source: String, to destination: String) throws -> RegistryFixture {
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
        return RegistryFixture(existing: destination)
    }
}
