import Glibc
import RingletSystem
import RingletTerminal
import Testing

@Suite struct TerminalModeTests {
    @Test func restoreGivesBackTheExactOriginalMode() throws {
        let terminal = try PseudoTerminal.open(size: nil)
        let replica = try FileDescriptor.open(terminal.replicaPath, flags: O_RDWR | O_NOCTTY)
        let original = try #require(Termios.of(replica.rawValue))

        let mode = try TerminalMode.enterRaw(replica.rawValue)
        let raw = try #require(Termios.of(replica.rawValue))
        #expect(raw != original)
        #expect(raw.localFlags & tcflag_t(ICANON | ECHO | ISIG) == 0)

        mode.restore()
        #expect(Termios.of(replica.rawValue) == original)
    }

    @Test func aDescriptorThatIsNotATerminalIsAClearError() throws {
        let file = try FileDescriptor.open("/dev/null", flags: O_RDONLY)
        let error = TerminalError.call(operation: "read the terminal mode of descriptor \(file.rawValue)", errno: ENOTTY)
        #expect(throws: error) { try TerminalMode.enterRaw(file.rawValue) }
        #expect(error.description == "cannot read the terminal mode of descriptor \(file.rawValue): Inappropriate ioctl for device")
    }
}
