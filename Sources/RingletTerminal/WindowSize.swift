import Glibc

/// A terminal's size in character cells, as TIOCGWINSZ reports it and TIOCSWINSZ sets it.
public struct WindowSize: Sendable, Hashable, CustomStringConvertible {
    public var rows: UInt16
    public var columns: UInt16

    public init(rows: UInt16, columns: UInt16) {
        self.rows = rows
        self.columns = columns
    }

    /// The size of the terminal open on `fd`, or nil when `fd` is not a terminal.
    public static func of(_ fd: Int32) -> WindowSize? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        return WindowSize(rows: size.ws_row, columns: size.ws_col)
    }

    /// Sets the size of the terminal open on `fd`; on a pseudo-terminal's master the kernel then sends
    /// SIGWINCH to the replica's foreground process group.
    func apply(to fd: Int32) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
    }

    public var description: String { "\(rows)x\(columns)" }
}
