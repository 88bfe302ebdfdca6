import Glibc
import RingletSystem
import RingletTerminal
import Testing

@Suite struct TerminalSessionTests {
    private func start(_ script: String, on terminal: PseudoTerminal) throws -> pid_t {
        var child = Subprocess("sh", ["-c", script])
        child.controllingTerminal = terminal.replicaPath
        return try child.start()
    }

    @Test func relaysBetweenPipesSurvivesTheEndOfInputAndDeliversAllOutput() throws {
        let terminal = try PseudoTerminal.open(size: WindowSize(rows: 24, columns: 80))
        let keyboard = TestPipe(), screenPipe = TestPipe()
        let screen = Transcript(reading: screenPipe.read.rawValue)
        let session = TerminalSession(terminal: terminal, input: keyboard.read.rawValue, output: screenPipe.write.rawValue)
        try session.start { _ in }

        // More output than the pty and the pipe hold, all of it after the input has ended.
        let pid = try start("stty -echo; echo ready; read line; echo \"got:$line\"; seq 1 20000; echo done", on: terminal)
        #expect(screen.waitFor("ready"))
        try keyboard.write.writeAll(Array("hello\n".utf8))
        keyboard.write.close()
        #expect(ExitStatus.of(pid) == 0)
        session.finish()
        session.finish()

        screenPipe.write.close()
        let expected = "ready\r\ngot:hello\r\n" + (1 ... 20000).map { "\($0)\r\n" }.joined() + "done\r\n"
        #expect(screen.waitForEnd() == expected)
    }

    @Test func aTerminalInputIsMadeRawItsSizeCopiedAndItsModeRestored() throws {
        // The user's terminal is played by a second pty: the test types on its master and reads the screen there.
        let user = try PseudoTerminal.open(size: WindowSize(rows: 33, columns: 77))
        let userTerminal = try FileDescriptor.open(user.replicaPath, flags: O_RDWR | O_NOCTTY)
        let before = try #require(Termios.of(userTerminal.rawValue))
        let screen = Transcript(reading: user.master.rawValue)

        let agent = try PseudoTerminal.open(size: nil)
        let session = TerminalSession(terminal: agent, input: userTerminal.rawValue, output: userTerminal.rawValue)
        try session.start { _ in }
        let during = try #require(Termios.of(userTerminal.rawValue))
        #expect(during.localFlags & tcflag_t(ICANON | ECHO | ISIG) == 0)
        #expect(WindowSize.of(agent.master.rawValue) == WindowSize(rows: 33, columns: 77))

        let pid = try start("stty size; read line; echo \"got:$line\"", on: agent)
        #expect(screen.waitFor("33 77\r\n"))
        // Return arrives as a carriage return; the agent's own line discipline makes it a newline and echoes.
        try user.master.writeAll(Array("hi\r".utf8))
        #expect(ExitStatus.of(pid) == 0)
        session.finish()
        #expect(Termios.of(userTerminal.rawValue) == before)

        userTerminal.close()
        #expect(screen.waitForEnd() == "33 77\r\nhi\r\ngot:hi\r\n")
    }
}
