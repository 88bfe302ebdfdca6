import CSQLite
import Glibc
import RingletSystem

/// The thread that owns the write connection. Callers only append to a queue under a lock; the
/// writer commits whatever has queued in one transaction (up to `batchLimit`), so the cost of a
/// commit and its fsync is shared by every event that arrived while the previous one ran. That is
/// what makes the chain cheap at tens of thousands of events a second while a single event still
/// commits as soon as the writer is free.
final class AuditWriter: @unchecked Sendable {
    /// Events in one transaction at most, which bounds a commit to a few milliseconds.
    static let batchLimit = 4096
    /// Queued events at most; beyond it `record` waits for the writer (a hook would rather slow down
    /// than have its verdict go unrecorded). Two batches' worth: it bounds what a crash can lose.
    static let queueLimit = 2 * batchLimit

    private struct Pending {
        var time: Int64
        var event: AuditEvent
    }

    private let path: String
    private let connection: SQLiteConnection
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when work arrives or closing starts.
    private let work = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Broadcast when events are committed (or dropped), queue space frees up, or the writer ends.
    private let progress = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Guarded by `mutex`.
    private var pending: [Pending] = []
    private var accepted: UInt64 = 0
    private var processed: UInt64 = 0
    private var closing = false
    private var finished = false

    // Used by the writer thread only.
    private var failureReported = false

    init(path: String, connection: SQLiteConnection) {
        self.path = path
        self.connection = connection
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(work, nil)
        pthread_cond_init(progress, nil)
    }

    /// Starts the thread; false when the system has no thread to give.
    func start() -> Bool {
        let started = DetachedThread.start { [self] in run() }
        if !started {
            connection.close()
        }
        return started
    }

    func record(_ event: AuditEvent) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while pending.count >= Self.queueLimit && !finished && !closing { pthread_cond_wait(progress, mutex) }
        guard !closing && !finished else { return }
        pending.append(Pending(time: AuditTime.now(), event: event))
        accepted += 1
        pthread_cond_signal(work)
    }

    func flush() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let target = accepted
        while processed < target && !finished { pthread_cond_wait(progress, mutex) }
    }

    /// Commits what is queued, stops the thread and closes the database; later events are ignored.
    func close() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        closing = true
        pthread_cond_signal(work)
        while !finished { pthread_cond_wait(progress, mutex) }
    }

    private func run() {
        var statements: Statements? = nil
        pthread_mutex_lock(mutex)
        while true {
            while pending.isEmpty && !closing { pthread_cond_wait(work, mutex) }
            if pending.isEmpty { break }
            let batch: [Pending]
            if pending.count <= Self.batchLimit {
                batch = pending
                pending = []
            } else {
                batch = Array(pending.prefix(Self.batchLimit))
                pending.removeFirst(Self.batchLimit)
            }
            pthread_mutex_unlock(mutex)
            commit(batch, &statements)
            pthread_mutex_lock(mutex)
            processed += UInt64(batch.count)
            pthread_cond_broadcast(progress)
        }
        pthread_mutex_unlock(mutex)
        statements = nil
        connection.close()
        pthread_mutex_lock(mutex)
        finished = true
        pthread_cond_broadcast(progress)
        pthread_mutex_unlock(mutex)
    }

    private struct Statements {
        var head: SQLiteStatement
        var insert: SQLiteStatement
        var advance: SQLiteStatement
    }

    /// Appends `batch` in one transaction, chaining from the head as committed (another process may
    /// have appended since this one last wrote). On failure nothing of the batch is kept.
    private func commit(_ batch: [Pending], _ statements: inout Statements?) {
        do throws(SQLiteError) {
            if statements == nil {
                statements = Statements(
                    head: try connection.prepare("SELECT last_id, hash FROM chain_head WHERE one = 1"),
                    insert: try connection.prepare(
                        "INSERT INTO events(id, time, type, profile, session, verdict, fields, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    advance: try connection.prepare("UPDATE chain_head SET rows = rows + ?, last_id = ?, hash = ? WHERE one = 1"))
            }
            let prepared = statements!
            try connection.execute("BEGIN IMMEDIATE")
            do throws(SQLiteError) {
                prepared.head.reset()
                guard try prepared.head.step(), let head = prepared.head.text(1) else {
                    throw SQLiteError(code: SQLITE_CORRUPT, message: "the chain head is missing")
                }
                var id = prepared.head.int64(0)
                var previous = head
                prepared.head.reset()
                for item in batch {
                    id += 1
                    let event = item.event
                    let fields = CanonicalJSON.object(event.fields)
                    previous = AuditChain.hash(previous: previous, id: id, time: item.time, type: event.type, profile: event.profile,
                                               session: event.session, verdict: event.verdict, fields: fields)
                    let insert = prepared.insert
                    insert.reset()
                    insert.bind(1, id)
                    insert.bind(2, item.time)
                    insert.bind(3, event.type)
                    insert.bind(4, event.profile)
                    insert.bind(5, event.session)
                    insert.bind(6, event.verdict)
                    insert.bind(7, fields)
                    insert.bind(8, previous)
                    _ = try insert.step()
                }
                prepared.advance.reset()
                prepared.advance.bind(1, Int64(batch.count))
                prepared.advance.bind(2, id)
                prepared.advance.bind(3, previous)
                _ = try prepared.advance.step()
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        } catch {
            report(AuditDatabase.failure(error, path: path), lost: batch.count)
        }
    }

    /// Once per log: a failing disk would otherwise print a line per event into the agent's terminal.
    private func report(_ error: AuditError, lost: Int) {
        guard !failureReported else { return }
        failureReported = true
        let line = "ringlet: warning: \(error) (\(lost) audit events lost; later events are lost too while this lasts)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    deinit {
        pthread_cond_destroy(work)
        pthread_cond_destroy(progress)
        pthread_mutex_destroy(mutex)
        work.deallocate()
        progress.deallocate()
        mutex.deallocate()
    }
}
