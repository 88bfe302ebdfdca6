import Glibc
import RingletTerminal
import Testing

@Suite struct WindowSizeTests {
    @Test func aFileThatIsNotATerminalHasNoSize() throws {
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        #expect(WindowSize.of(fd) == nil)
    }
}
