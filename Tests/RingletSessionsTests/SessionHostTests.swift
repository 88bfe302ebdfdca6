import Glibc
import RingletSessions
import RingletSystem
import RingletTestSupport
import Synchronization
import Testing

/// The built `ringlet session-host` driven over its socket, with real shells on real pseudo-terminals.
/// Every wait is for an event, with a minute's patience; nothing asserts how long something took.
@Suite struct SessionHostTests {
    @Test func outputIsStreamedAndReplayedToAClientThatComesBack() throws {
        let runtime = try TemporaryDirectory("ringlet-recording")
        let recording = runtime.file("s1.cast")
        let session = try HostedSession(["/bin/sh"], options: ["--record", recording, "--profile", "work", "--agent", "shell"])
        let first = try session.connect()
        #expect(first.attach())
        first.type("echo h\"i\"\n")
        #expect(first.waitForOutput(containing: "\r\nhi\r\n"))
        first.close()

        let second = try session.connect()
        #expect(second.attach())
        #expect(second.replayText?.contains("\r\nhi\r\n") == true)

        let metadata = try #require(session.metadata)
        #expect(metadata.id == "s1" && metadata.profile == "work" && metadata.agent == "shell" && metadata.command == ["/bin/sh"])
        #expect(metadata.hostPid == session.pid && metadata.cols == 80 && metadata.rows == 24)
        #expect(metadata.started.hasSuffix("Z"))
        #expect(permissions(session.socketPath) == 0o600)
        #expect(permissions(session.directory.path) == 0o700)
        #expect(session.directory.sessions().map(\.id) == ["s1"])

        second.type("exit\n")
        #expect(second.waitUntil { $0.exitCode != nil })
        #expect(second.exitCode == 0)
        let cast = try FileBytes.readString(recording)
        #expect(cast.hasPrefix("{\"version\": 2, \"width\": 80, \"height\": 24"))
        #expect(cast.contains("hi\\r\\n"))
    }

    @Test func everyAttachedClientSeesTheSameOutputAndStatusCountsThem() throws {
        let session = try HostedSession(["/bin/sh"])
        let typing = try session.connect()
        let watching = try session.connect()
        #expect(typing.attach(replay: false))
        #expect(watching.attach(replay: false))
        typing.type("echo shared-$((6 * 7))\n")
        #expect(typing.waitForOutput(containing: "shared-42"))
        #expect(watching.waitForOutput(containing: "shared-42"))

        let status = try session.status()
        #expect(status.id == "s1" && status.state == .running && status.exitCode == nil)
        #expect(status.hostPid == session.pid && status.childPid == session.metadata?.childPid)
        #expect(status.bytesIn == UInt64("echo shared-$((6 * 7))\n".utf8.count))
        #expect(status.bytesOut > 0)
        // The two attached clients; the status request's own connection is not attached, so not listed.
        #expect(status.clients.count == 2)
        #expect(status.clients.filter { $0.address == "test" }.map(\.bytesIn).sorted() == [0, status.bytesIn])
    }

    @Test func theLastActiveClientsSizeIsTheTerminals() throws {
        let session = try HostedSession(["/bin/sh"], options: ["--cols", "90", "--rows", "20"])
        let small = try session.connect()
        let large = try session.connect()
        #expect(small.attach())
        #expect(large.attach())
        small.type("stty size\n")
        #expect(small.waitForOutput(containing: "20 90\r\n"))
        small.send(.resize(cols: 70, rows: 15))
        large.send(.resize(cols: 132, rows: 50))
        large.type("stty size\n")
        #expect(large.waitForOutput(containing: "50 132\r\n"))
        // Typing makes the small client active again, and its size comes back with it.
        small.type("stty size\n")
        #expect(small.waitForOutput(containing: "15 70\r\n"))
        #expect(try session.status().cols == 70)
    }

    @Test func theAgentsExitCodeReachesClientsAndTheExitedSessionLingers() throws {
        let session = try HostedSession(["/bin/sh"], options: ["--linger", "30"])
        let client = try session.connect()
        #expect(client.attach())
        client.type("echo bye; exit 3\n")
        #expect(client.waitUntil { $0.exitCode != nil })
        #expect(client.exitCode == 3)
        #expect(client.text.contains("bye"))

        let status = try session.status()
        #expect(status.state == .exited && status.exitCode == 3)
        // Attaching to an exited session gives its replay, then its exit.
        let late = try session.connect()
        #expect(late.attach())
        #expect(late.replayText?.contains("bye") == true)
        #expect(late.waitUntil { $0.exitCode == 3 })

        // During the linger, `terminate` removes the session at once.
        try SessionHostConnection.terminate(socketPath: session.socketPath)
        #expect(session.waitForExit() == 3)
        #expect(!FileStatus.of(session.socketPath).exists)
        #expect(session.metadata == nil)
        #expect(client.waitForHangUp())
        #expect(throws: SessionError.self) { try SessionHostConnection.status(socketPath: session.socketPath) }
    }

    @Test func afterAShortLingerTheSocketAndMetadataDisappear() throws {
        let session = try HostedSession(["/bin/sh", "-c", "exit 5"], options: ["--linger", "0.5"])
        #expect(session.waitForExit() == 5)
        #expect(!FileStatus.of(session.socketPath).exists)
        #expect(session.metadata == nil)
    }

    @Test func theIdleTimeoutEndsAQuietAgentAndSaysSo() throws {
        // Typing resets the idle clock, so the timeout counts from the input, not from the start.
        let session = try HostedSession(["/bin/sh", "-c", "read go; echo waiting; exec sleep 1000"], options: ["--idle-timeout", "3", "--linger", "30"])
        let client = try session.connect()
        #expect(client.attach())
        client.type("go\n")
        #expect(client.waitForOutput(containing: "waiting"))
        #expect(client.waitUntil { $0.exitCode != nil })
        #expect(client.exitCode == 128 + SIGTERM)
        #expect(client.messages.contains { if case .notice(let text) = $0 { text.contains("idle") } else { false } })
        #expect(try session.status().state == .exited)
        try SessionHostConnection.terminate(socketPath: session.socketPath)
        #expect(session.waitForExit() == 128 + SIGTERM)
    }

    @Test func terminateEndsTheAgentWithSIGKILLWhenItIgnoresSIGTERM() throws {
        let session = try HostedSession(["/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"], options: ["--linger", "0"])
        let client = try session.connect()
        #expect(client.attach())
        #expect(client.waitForOutput(containing: "ready"))
        try SessionHostConnection.terminate(socketPath: session.socketPath)
        #expect(client.waitUntil { $0.exitCode != nil })
        #expect(client.exitCode == 128 + SIGKILL)
        #expect(session.waitForExit() == 128 + SIGKILL)
    }

    @Test func signalsReachTheForegroundProgram() throws {
        let session = try HostedSession(["/bin/sh", "-c", "trap 'echo got-int' INT; echo ready; while :; do sleep 0.1; done"])
        let client = try session.connect()
        #expect(client.attach())
        #expect(client.waitForOutput(containing: "ready"))
        client.send(.signal(.INT))
        #expect(client.waitForOutput(containing: "got-int"))
        #expect(client.exitCode == nil)
    }

    @Test func sigtermToTheHostEndsTheAgentAndTheSession() throws {
        let session = try HostedSession(["sleep", "1000"])
        let client = try session.connect()
        #expect(client.attach())
        kill(session.pid, SIGTERM)
        #expect(client.waitUntil { $0.exitCode != nil })
        #expect(client.exitCode == 128 + SIGTERM)
        #expect(session.waitForExit() == 128 + SIGTERM)
        #expect(!FileStatus.of(session.socketPath).exists)
    }

    @Test func theHostRunsInASessionOfItsOwnAndOutlivesItsStarter() throws {
        let session = try HostedSession(["/bin/sh"], options: ["--linger", "0"])
        #expect(getsid(session.pid) == session.pid)

        // Started by a shell that is then killed: the host does not notice.
        let runtime = try TemporaryDirectory("ringlet-orphan")
        let socket = runtime.file("sessions/orphan.sock")
        let script = "\"$0\" session-host --id orphan --socket \"$1\" --linger 0 -- sleep 1000 </dev/null >/dev/null 2>&1 & echo $!; wait"
        let starter = try RunningProcess("/bin/sh", ["-c", script, HostedSession.binary, socket], in: runtime.path,
                                         environment: ["PATH": "/usr/bin:/bin", "HOME": runtime.path, "RINGLET_HOME": runtime.path])
        var hostPid: Int32?
        let directory = SessionDirectory(path: runtime.file("sessions"))
        let deadline = ContinuousClock.now + .seconds(60)
        while hostPid == nil, ContinuousClock.now < deadline {
            hostPid = directory.sessions().first?.hostPid
            if hostPid == nil { usleep(20_000) }
        }
        let host = try #require(hostPid)
        #expect(getsid(host) == host)
        let starterPid = try #require(parentOf(host))
        kill(starterPid, SIGKILL)
        #expect(try SessionHostConnection.status(socketPath: socket, timeout: .seconds(30)).state == .running)
        try SessionHostConnection.terminate(socketPath: socket)
        let gone = ContinuousClock.now + .seconds(60)
        while kill(host, 0) == 0, ContinuousClock.now < gone { usleep(20_000) }
        #expect(kill(host, 0) != 0)
        #expect(starter.finish().status != 0)
    }

    private func parentOf(_ pid: Int32) -> Int32? {
        guard let stat = try? FileBytes.readString("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first.flatMap { Int32($0) }
    }

    @Test func aMalformedFrameClosesOnlyThatClient() throws {
        let session = try HostedSession(["/bin/sh"])
        let good = try session.connect()
        #expect(good.attach())
        let bad = try session.connect()
        bad.sendRaw([0x7F, 0, 0, 0, 0])
        #expect(bad.waitForHangUp())
        let wrongWay = try session.connect()
        wrongWay.send(.output(Array("not from a client".utf8)))
        #expect(wrongWay.waitForHangUp())
        good.type("echo still-$((2 + 3))\n")
        #expect(good.waitForOutput(containing: "still-5"))
    }

    @Test func aClientThatStopsReadingIsDroppedWithoutStallingTheOthers() throws {
        // A megabyte at a time, each acknowledged by the reading client, so it never falls behind however
        // slow the machine is, while the one that never reads piles up more than the host keeps for it.
        let blocks = 14
        let script = """
            i=0; while [ $i -lt \(blocks) ]; do head -c 1000000 /dev/zero | tr '\\0' x; i=$((i + 1)); echo; echo block-$i; read ack; done
            echo done-$((2 * 3)); exec sleep 1000
            """
        let session = try HostedSession(["/bin/sh", "-c", script])
        let stalled = try session.connect()
        #expect(stalled.attach())
        let reader = try session.connect()
        #expect(reader.attach())
        for block in 1 ... blocks {
            #expect(reader.waitForOutput(containing: "block-\(block)\r\n"))
            reader.type("ack\n")
        }
        #expect(reader.waitForOutput(containing: "done-6"))
        #expect(stalled.waitForHangUp())
        #expect(stalled.output.count < blocks * 1_000_000)
        #expect(try session.status().clients.count == 1)
    }

    @Test func aConnectionOnAnEventLoopAttachesAndStreams() throws {
        let session = try HostedSession(["/bin/sh"])
        let loop = try EventLoop()
        final class Received: Sendable { let state = Mutex<(output: [UInt8], replayEnded: Bool)>(([], false)) }
        let box = Received()
        loop.execute { [socketPath = session.socketPath] in
            do throws(SessionError) {
                let connection = try SessionHostConnection(socketPath: socketPath, loop: loop, onMessage: { message in
                    switch message {
                    case .output(let bytes): box.state.withLock { $0.output += bytes }
                    case .replayEnd: box.state.withLock { $0.replayEnded = true }
                    default: break
                    }
                }, onClose: { _ in })
                connection.send(.attach(address: "loop", replay: true))
                connection.send(.input(Array("echo loop-$((3 * 3))\n".utf8)))
            } catch {
                box.state.withLock { $0.output = Array("connect failed: \(error)".utf8) }
            }
        }
        DetachedThread.start { loop.run() }
        defer { loop.stop() }
        let deadline = ContinuousClock.now + .seconds(60)
        while !box.state.withLock({ $0.replayEnded && String(decoding: $0.output, as: UTF8.self).contains("loop-9") }), ContinuousClock.now < deadline {
            usleep(20_000)
        }
        #expect(String(decoding: box.state.withLock { $0.output }, as: UTF8.self).contains("loop-9"))
    }

    @Test func listingRemovesTheFilesOfHostsThatAreGone() throws {
        let runtime = try TemporaryDirectory("ringlet-stale")
        let directory = SessionDirectory(runtime: runtime.path)
        try directory.create()
        #expect(permissions(directory.path) == 0o700)
        let stale = SessionMetadata(id: "dead", profile: nil, agent: nil, command: ["x"], hostPid: Int32.max - 1, childPid: Int32.max - 2,
                                    started: "2026-01-01T00:00:00Z", cols: 80, rows: 24)
        try AtomicFile.write(stale.encoded(), to: directory.metadataPath(for: "dead"))
        try AtomicFile.write("", to: directory.socketPath(for: "dead"))
        #expect(directory.sessions().isEmpty)
        #expect(!FileStatus.of(directory.metadataPath(for: "dead")).exists)
        #expect(!FileStatus.of(directory.socketPath(for: "dead")).exists)
        #expect(SessionDirectory.isValid(id: "s-1_a.b") && !SessionDirectory.isValid(id: "../x") && !SessionDirectory.isValid(id: ".hidden"))
    }

    @Test func aCommandThatCannotStartIsReportedAndNothingIsLeft() throws {
        let runtime = try TemporaryDirectory("ringlet-nostart")
        let socket = runtime.file("sessions/x.sock")
        let result = try RingletBinary(home: runtime.path).run(["session-host", "--id", "x", "--socket", socket, "--", "/nonexistent/agent"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot start session x: cannot start /nonexistent/agent"), "\(result)")
        #expect(!FileStatus.of(socket).exists)
        #expect(!FileStatus.of(runtime.file("sessions/x.json")).exists)
    }

    @Test func theHostCommandIsHiddenFromHelpButHasItsOwn() throws {
        let home = try TemporaryDirectory()
        let binary = RingletBinary(home: home.path)
        let root = try binary.run(["--help"])
        #expect(root.status == 0 && root.stdout.contains("sessions") && !root.stdout.contains("session-host"))
        let own = try binary.run(["session-host", "--help"])
        #expect(own.status == 0 && own.stdout.contains("usage: ringlet session-host") && own.stdout.contains("--ready-fd"))
    }

    private func permissions(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }
}
