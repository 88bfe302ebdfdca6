import Synchronization

/// Holds a client's TLS context once the first https request has built it. Loading the
/// system CA store takes tens of milliseconds, more than the rest of a local request, so
/// a registry fetching many files should pay it once. A failure is not kept, so a CA file
/// that appears later is picked up by the next request.
final class TLSContextCache: Sendable {
    private let caFile: String?
    private let context = Mutex<TLSContext?>(nil)

    init(caFile: String?) {
        self.caFile = caFile
    }

    func context(for url: HTTPURL) throws(HTTPClientError) -> TLSContext {
        try context.withLock { (context) throws(HTTPClientError) -> TLSContext in
            if let context { return context }
            let created = try TLSContext(caFile: caFile, for: url)
            context = created
            return created
        }
    }
}
