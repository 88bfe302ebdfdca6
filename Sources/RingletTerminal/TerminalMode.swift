import Glibc

/// The user's terminal put in raw mode (cfmakeraw) and restored exactly, once.
///
/// While an agent runs, every key (^C, ^Z, arrows) must reach the agent's own terminal as a byte rather
/// than be turned into a signal or edited by the user's line discipline; the agent's pseudo-terminal
/// does that processing instead. The original settings are kept so that the user's shell gets back the
/// terminal exactly as it was, whatever the agent did to its own.
public struct TerminalMode: Sendable {
    /// The terminal's descriptor, as given to `enterRaw`.
    public let fd: Int32
    private let original: termios

    private init(fd: Int32, original: termios) {
        self.fd = fd
        self.original = original
    }

    /// Saves the mode of the terminal open on `fd`, then makes it raw.
    public static func enterRaw(_ fd: Int32) throws(TerminalError) -> TerminalMode {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else {
            throw .call(operation: "read the terminal mode of descriptor \(fd)", errno: errno)
        }
        var raw = original
        cfmakeraw(&raw)
        let status = set(raw, on: fd)
        guard status == 0 else { throw .call(operation: "put descriptor \(fd) in raw mode", errno: status) }
        return TerminalMode(fd: fd, original: original)
    }

    /// Gives the terminal back its saved mode, after the output already written has gone out. A terminal
    /// that has gone away (hung up) is left as it is.
    public func restore() {
        _ = TerminalMode.set(original, on: fd)
    }

    /// tcsetattr after pending output is written (input the user typed ahead is kept); 0 or the errno.
    private static func set(_ mode: termios, on fd: Int32) -> Int32 {
        var mode = mode
        while tcsetattr(fd, TCSADRAIN, &mode) != 0 {
            if errno != EINTR { return errno }
        }
        return 0
    }
}
