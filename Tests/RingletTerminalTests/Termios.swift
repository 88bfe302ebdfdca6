import Glibc

/// A terminal's settings as tcgetattr reports them, compared byte for byte: "restored" means exactly
/// what was there, control characters and speeds included.
struct Termios: Equatable {
    let bytes: [UInt8]
    let localFlags: tcflag_t

    static func of(_ fd: Int32) -> Termios? {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return nil }
        return Termios(bytes: withUnsafeBytes(of: settings) { Array($0) }, localFlags: settings.c_lflag)
    }
}
