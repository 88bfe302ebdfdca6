import Glibc
import RingletUsage

/// A scan's progress on stderr, rewritten in place, only on a terminal and only for a scan big enough
/// to notice (over 64 MB new): pipes and scripts see nothing.
final class ScanProgressLine {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var shown = false

    func show(_ progress: ScanProgress) {
        guard terminal, progress.bytesToRead >= 64 << 20 else { return }
        shown = true
        let text = "\rreading agents' records: \(progress.bytesRead >> 20) of \(progress.bytesToRead >> 20) MB"
        Console.write(text, to: STDERR_FILENO, endingLine: false)
    }

    func finish() {
        guard shown else { return }
        Console.write("\r\u{1B}[K", to: STDERR_FILENO, endingLine: false)
    }
}
