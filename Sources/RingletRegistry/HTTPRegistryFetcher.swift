import RingletCrypto
import RingletHTTP
import RingletSystem
import RingletYAML

/// Fetches an HTTP(S) registry: `index.yaml` first, then `registry.yaml` and every manifest it lists,
/// each checked against the index's sha256 before the revision is switched in.
///
/// The revision is the digest of the index, so the same published content is fetched once and a
/// changed file under an unchanged index is caught as an integrity error, never used.
public struct HTTPRegistryFetcher: Sendable {
    public let registry: String
    public let baseURL: String
    public let cache: RegistryCache
    public let client: HTTPClient

    public init(registry: String, baseURL: String, cache: RegistryCache, client: HTTPClient = HTTPClient()) {
        self.registry = registry
        self.baseURL = baseURL
        self.cache = cache
        self.client = client
    }

    /// Fetches, verifies and switches; returns the revision. `progress` gets one line per file.
    public func update(progress: (String) -> Void = { _ in }) throws(RegistryError) -> String {
        let base: HTTPURL
        do throws(HTTPClientError) {
            base = try HTTPURL(parsing: baseURL)
        } catch {
            throw .invalidSource(baseURL, error.description)
        }
        let lock = try cache.lock(registry)
        defer { lock.unlock() }

        let indexBytes = try download(RegistryIndex.fileName, from: base)
        let index: RegistryIndex
        do throws(YAMLError) {
            index = try RegistryIndex.parse(indexBytes, file: baseURL + RegistryIndex.fileName)
        } catch {
            throw .fetchFailed(registry: registry, "its index is invalid: \(error)")
        }
        let revision = "sha256:" + SHA256.hash(indexBytes).hex
        _ = try cache.install(registry, revision: revision) { (folder) throws(RegistryError) in
            try store(indexBytes, at: RegistryIndex.fileName, in: folder)
            let files = [("registry.yaml", index.registrySHA256)] + index.entries.map { ($0.path, $0.sha256) }
            for (number, (path, expected)) in files.enumerated() {
                if let problem = RegistryTree.pathProblem(path) {
                    throw .unsafePath(place: "\(registry):\(path)", problem)
                }
                progress("fetching \(number + 1)/\(files.count) \(path)")
                let bytes = try download(path, from: base)
                let actual = SHA256.hash(bytes)
                guard actual == expected else {
                    throw .integrity(registry: registry, path: path, expected: expected.hex, actual: actual.hex)
                }
                try store(bytes, at: path, in: folder)
            }
        }
        return revision
    }

    private func download(_ path: String, from base: HTTPURL) throws(RegistryError) -> [UInt8] {
        guard let url = base.resolving(path) else {
            throw .unsafePath(place: "\(registry):\(path)", "it does not form a URL under \(baseURL)")
        }
        let response: HTTPResponse
        do throws(HTTPClientError) {
            response = try client.get(url)
        } catch {
            throw .fetchFailed(registry: registry, error.description)
        }
        guard response.status == 200 else {
            throw .fetchFailed(registry: registry, "\(url) answered \(response.status) \(response.reason)")
        }
        return response.body
    }

    private func store(_ bytes: [UInt8], at path: String, in folder: String) throws(RegistryError) {
        let full = folder + "/" + path
        do throws(SystemError) {
            if let slash = full.lastIndex(of: "/") { try Directory.create(String(full[..<slash])) }
            try AtomicFile.write(bytes, to: full)
        } catch {
            throw .io("cannot write \(full): \(error)")
        }
    }
}
