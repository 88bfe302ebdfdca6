import RingletAPI
import RingletAudit
import RingletDaemon
import RingletProfile
import RingletSystem

/// The daemon's view of this machine: the user's profiles, sessions started with `SessionLauncher`, the
/// audit log, and the recordings the runs inside sessions write.
struct LocalDaemonBackend: DaemonBackend {
    let context: CLIContext
    let launcher: SessionLauncher
    let audit: AuditLog

    func profiles() throws(DaemonError) -> [ProfileSummary] {
        var found: [ProfileSummary] = []
        for name in ProfileCommands.names(context) {
            guard let profile = try? ProfileFile.load(name: name, configDirectory: context.directories.config) else { continue }
            found.append(ProfileSummary(name: name, agent: profile.agent, provider: profile.provider, model: profile.model,
                                       workspace: profile.workspace ?? context.workingDirectory, sandbox: true))
        }
        return found
    }

    func startSession(id: String, profile: String, cols: Int, rows: Int) throws(DaemonError) {
        let file: ProfileFile
        do throws(ProfileError) {
            file = try ProfileFile.load(name: profile, configDirectory: context.directories.config)
        } catch {
            switch error {
            case .notFound, .invalidName: throw .unknownProfile(profile)
            default: throw .session(error.description)
            }
        }
        do throws(CLIError) {
            // Reaped by a thread of its own: the host outlives requests, and an unreaped host would
            // linger as a zombie after its session ends.
            let pid = try launcher.start(id: id, profile: profile, agent: file.agent, cols: cols, rows: rows)
            DetachedThread.start(stackSize: 64 << 10) { _ = Subprocess.wait(pid) }
        } catch {
            throw .session(error.description)
        }
    }

    func record(_ type: String, session: String?, profile: String?, _ fields: [String: String]) {
        audit.record(AuditEvent(type: type, profile: profile, session: session, fields: fields))
    }

    func recordingPath(session id: String) -> String? {
        let path = context.directories.state + "/recordings/" + id + ".cast"
        return FileStatus.of(path).exists ? path : nil
    }
}
