import RingletHTTP
import RingletRemote
import RingletTerminal
import RingletTestSupport
import Testing

/// The REST calls against the Python double: answers decoded, error statuses turned into messages.
@Suite(.serialized) struct RemoteAPITests {
    @Test func healthProfilesAndSessions() throws {
        let server = try DaemonDouble.start()
        let api = try DaemonDouble.api(server)
        let health = try api.health()
        #expect(health.status == "ok" && health.version == "0.1.0")
        let profiles = try api.profiles()
        #expect(profiles.map(\.name) == ["work"] && profiles.map(\.agent) == ["claude"] && profiles.map(\.provider) == ["anthropic"])
        #expect(profiles.map(\.model) == ["claude-sonnet-4-5"] && profiles.map(\.workspace) == ["/srv/work"] && profiles.map(\.sandbox) == [true])
        let sessions = try api.sessions()
        #expect(sessions.map(\.id) == [DaemonDouble.seededSession])
        let seeded = try api.session(DaemonDouble.seededSession)
        #expect(seeded.uptimeSeconds == 192 && seeded.attachedClients == 1 && seeded.exitCode == nil && seeded.state == "running")
        #expect(seeded.clients.map(\.address) == ["127.0.0.1:50312"] && seeded.clients.map(\.since) == ["2026-11-22T06:00:05Z"])
        #expect(seeded.clients.map(\.bytesIn) == [10] && seeded.clients.map(\.bytesOut) == [2000])
    }

    @Test func createAndEndASession() throws {
        let server = try DaemonDouble.start()
        let api = try DaemonDouble.api(server)
        let created = try api.createSession(profile: "work", size: WindowSize(rows: 30, columns: 120))
        #expect(created.profile == "work" && created.state == "running")
        #expect(try api.sessions().count == 2)
        let ended = try api.endSession(created.id)
        #expect(ended.state == "exited" && ended.exitCode == 0)
    }

    @Test func errorStatusesCarryTheDaemonsMessage() throws {
        let server = try DaemonDouble.start()
        do {
            _ = try DaemonDouble.api(server, token: "wrong-token").sessions()
            Issue.record("a wrong token was accepted")
        } catch let error as RemoteError {
            guard case let .rejected(_, status, message) = error else { Issue.record("unexpected \(error)"); return }
            #expect(status == 401 && message == "missing or wrong bearer token")
            #expect(error.description.contains("--force"))
        }
        #expect(throws: RemoteError.rejected(try DaemonDouble.remote(server), status: 404, message: "no such session")) {
            try DaemonDouble.api(server).session("0000")
        }
        #expect(throws: RemoteError.rejected(try DaemonDouble.remote(server), status: 404, message: "no profile nope on this daemon")) {
            try DaemonDouble.api(server).createSession(profile: "nope", size: WindowSize(rows: 24, columns: 80))
        }
        #expect(throws: RemoteError.invalidSessionID("../health")) { try DaemonDouble.api(server).session("../health") }
    }

    @Test func anUnreachableDaemonIsSaidSo() throws {
        let port = try UnusedPort.make()
        let remote = try Remote(name: "lab", url: "http://127.0.0.1:\(port)")
        let api = try RemoteAPI(remote: remote, token: DaemonDouble.token)
        let result = Result { () throws(RemoteError) in try api.health() }
        guard case let .failure(error) = result, case .unreachable = error else {
            Issue.record("expected an unreachable daemon, got \(result)")
            return
        }
        #expect(error.description.hasPrefix("cannot reach remote lab at http://127.0.0.1:\(port)"))
    }
}
