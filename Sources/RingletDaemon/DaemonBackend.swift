import RingletAPI

/// What the daemon's routes need from the rest of Ringlet — profiles, starting a session's host, the
/// audit log, recordings — kept behind a protocol so the server area does not depend on profiles,
/// registries or the audit store, and its tests can run against a small backend. Calls may block (they
/// read files and start processes): the service makes them on worker threads, never on its loop.
public protocol DaemonBackend: Sendable {
    func profiles() throws(DaemonError) -> [ProfileSummary]
    /// Starts session `id` for `profile` and returns once its host listens.
    func startSession(id: String, profile: String, cols: Int, rows: Int) throws(DaemonError)
    /// One audit event (`session`, `auth`); never given a secret.
    func record(_ type: String, session: String?, profile: String?, _ fields: [String: String])
    /// The asciicast recording of session `id`, if there is one.
    func recordingPath(session id: String) -> String?
}
