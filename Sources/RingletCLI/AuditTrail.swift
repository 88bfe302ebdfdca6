import RingletAudit

/// The audit log as commands that change something open it: before the change, so an unwritable log
/// stops the command instead of losing its record; flushed when the command ends.
enum AuditTrail {
    static func open(_ context: CLIContext, path: String? = nil) throws(CLIError) -> AuditLog {
        do throws(AuditError) {
            return try AuditLog.open(path: path ?? context.directories.state + "/audit.db")
        } catch {
            throw .failed(error.description)
        }
    }

    /// Records one event of a command and waits until it is committed.
    static func record(_ log: AuditLog, _ type: String, _ fields: [String: String]) {
        log.record(AuditEvent(type: type, fields: fields))
        log.flush()
    }
}
