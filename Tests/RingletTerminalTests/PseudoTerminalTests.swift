import Glibc
import RingletSystem
import RingletTerminal
import Testing

@Suite struct PseudoTerminalTests {
    /// A child started on the replica with `controllingTerminal`, its output read through the master.
    private func start(_ script: String, on terminal: PseudoTerminal) throws -> pid_t {
        var child = Subprocess("sh", ["-c", script])
        child.controllingTerminal = terminal.replicaPath
        return try child.start()
    }

    @Test func aChildOnTheReplicaHasItAsItsControllingTerminalInASessionOfItsOwn() throws {
        let terminal = try PseudoTerminal.open(size: nil)
        #expect(terminal.replicaPath.hasPrefix("/dev/pts/"))
        let screen = Transcript(reading: terminal.master.rawValue)
        let script = """
            tty
            exec 3</dev/tty && echo ctty-ok
            [ "$(cut -d' ' -f6 /proc/$$/stat)" = $$ ] && echo session-leader
            """
        let pid = try start(script, on: terminal)
        #expect(ExitStatus.of(pid) == 0)
        #expect(screen.waitForEnd() == "\(terminal.replicaPath)\r\nctty-ok\r\nsession-leader\r\n")
    }

    @Test func theSizeGivenAtOpenIsWhatTheChildSeesAndRunCapturesNothing() throws {
        let terminal = try PseudoTerminal.open(size: WindowSize(rows: 37, columns: 101))
        #expect(WindowSize.of(terminal.master.rawValue) == WindowSize(rows: 37, columns: 101))
        let screen = Transcript(reading: terminal.master.rawValue)
        var child = Subprocess("stty", ["size"])
        child.controllingTerminal = terminal.replicaPath
        let result = try child.run()
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(screen.waitForEnd() == "37 101\r\n")
    }

    @Test func resizeSignalsTheForegroundGroup() throws {
        let terminal = try PseudoTerminal.open(size: WindowSize(rows: 24, columns: 80))
        let screen = Transcript(reading: terminal.master.rawValue)
        let pid = try start("trap 'stty size' WINCH; echo ready; while :; do sleep 0.1; done", on: terminal)
        #expect(screen.waitFor("ready"))
        terminal.resize(WindowSize(rows: 50, columns: 132))
        #expect(screen.waitFor("50 132\r\n"))
        kill(pid, SIGKILL)
        #expect(ExitStatus.of(pid) == 128 + SIGKILL)
        #expect(screen.waitForEnd() != nil)
    }

    @Test func controlCWrittenToTheMasterInterruptsTheChild() throws {
        let terminal = try PseudoTerminal.open(size: nil)
        let screen = Transcript(reading: terminal.master.rawValue)
        let pid = try start("echo ready; exec sleep 60", on: terminal)
        #expect(screen.waitFor("ready"))
        try terminal.master.writeAll([0x03])
        #expect(ExitStatus.of(pid) == 128 + SIGINT)
        #expect(screen.waitForEnd() != nil)
    }
}
