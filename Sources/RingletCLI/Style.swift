import Glibc
import RingletSystem

/// Emphasis for a terminal reader: a status word in green or red on a colour terminal, plain text when
/// stdout is not a terminal or NO_COLOR is set (https://no-color.org).
enum Style {
    static var enabled: Bool {
        isatty(STDOUT_FILENO) == 1 && (Environment.value("NO_COLOR") ?? "").isEmpty && Environment.value("TERM") != "dumb"
    }

    static func good(_ text: String) -> String { enabled ? "\u{1B}[32m" + text + "\u{1B}[0m" : text }
    static func bad(_ text: String) -> String { enabled ? "\u{1B}[31m" + text + "\u{1B}[0m" : text }
}
