/// The tamper-evident audit log: what agents were launched and how, and every hook and proxy
/// verdict, in one SQLite file (default `<state>/audit.db`) that can be queried and checked later.
///
/// Recording must never fail the work being recorded and should cost it next to nothing, so `record`
/// only queues the event; a writer thread commits what has queued in one transaction, as soon as the previous commit
/// is done (see `AuditWriter`). Several processes may append to the same file: each transaction
/// takes SQLite's write lock and chains from the committed head.
///
/// What it proves: every row carries `hash = SHA-256(previous hash ‖ this row)` (see `AuditChain`),
/// and the head (row count, last id, last hash) is stored beside the rows in the same transaction.
/// `verify` therefore finds an edited field, a deleted or inserted row, swapped rows, a forged hash
/// and a truncated tail, when whoever changed the file did not also rewrite what follows. It does
/// not prove more: there is no secret key, so someone who can write the file can recompute every
/// hash after their edit and the head too, or replace the file wholesale, and the log will verify.
/// Keeping the latest head hash somewhere they cannot write (another machine, a printed note) is
/// what turns this into proof; `ringlet audit verify` prints it for that purpose.
///
/// What a crash loses: a `kill -9` (or a crash) of the recording process loses exactly the events
/// not yet committed, never a committed row, and never leaves a broken chain, since a transaction
/// (rows and head together) commits whole or not at all (WAL). Uncommitted means: in the transaction
/// being written (at most `AuditWriter.batchLimit`, 4,096 events) or queued behind it (at most
/// `AuditWriter.queueLimit`, 8,192; beyond that `record` waits). A commit starts as soon as the
/// previous one ends, with no timer, so at the rates agents produce events that is the last few
/// milliseconds. Commits are fsynced (`synchronous = FULL`): a power cut loses nothing more.
public final class AuditLog: Sendable {
    public let path: String
    private let writer: AuditWriter

    private init(path: String, writer: AuditWriter) {
        self.path = path
        self.writer = writer
    }

    /// Opens (creating if needed) the log at `path` for recording, after proving that a write
    /// commits: an unwritable path or a full disk is reported here, not discovered while recording.
    public static func open(path: String) throws(AuditError) -> AuditLog {
        let connection = try AuditDatabase.openForWriting(path)
        let writer = AuditWriter(path: path, connection: connection)
        guard writer.start() else { throw .unwritable(path: path, reason: "no thread could be started for its writer") }
        return AuditLog(path: path, writer: writer)
    }

    /// Queues `event`, stamped with the current time; safe from any thread. A write failure is
    /// reported once on stderr and never reaches the caller; events recorded after `close` are ignored.
    public func record(_ event: AuditEvent) {
        writer.record(event)
    }

    /// Returns when every event recorded before the call is committed (or was reported lost).
    public func flush() {
        writer.flush()
    }

    /// Commits what is queued and closes the file. Closing twice is harmless.
    public func close() {
        writer.close()
    }

    deinit { writer.close() }
}
