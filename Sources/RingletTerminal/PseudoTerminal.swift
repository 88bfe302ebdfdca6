import CRingletShim
import Glibc
import RingletSystem

/// A pseudo-terminal pair: the master end stays with Ringlet, the replica is the agent's terminal.
///
/// The agent gets a terminal of its own rather than the user's so that it can never read or reconfigure
/// the user's terminal directly, and so that its session, foreground group and window size belong to the
/// sandbox: Ringlet sits on the master and decides what crosses. The master is non-blocking, because the
/// relay must never stall on it while the other direction has bytes to move; readers poll first.
public final class PseudoTerminal: @unchecked Sendable {
    /// O_CLOEXEC and O_NONBLOCK; closed exactly once, by `FileDescriptor`.
    public let master: FileDescriptor
    /// /dev/pts/N: what the agent opens (see `Subprocess.controllingTerminal`).
    public let replicaPath: String

    private init(master: FileDescriptor, replicaPath: String) {
        self.master = master
        self.replicaPath = replicaPath
    }

    /// A new pair whose replica may be opened at once, sized `size` when given (the kernel's 0x0 otherwise).
    public static func open(size: WindowSize?) throws(TerminalError) -> PseudoTerminal {
        let fd = ringlet_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .call(operation: "open a pseudo-terminal (/dev/ptmx)", errno: errno) }
        let master = FileDescriptor(adopting: fd)
        guard ringlet_unlockpt(fd) == 0 else { throw .call(operation: "unlock the pseudo-terminal's replica", errno: errno) }
        var name = [CChar](repeating: 0, count: 128)
        let status = ringlet_ptsname(fd, &name, name.count)
        guard status == 0 else { throw .call(operation: "name the pseudo-terminal's replica", errno: status) }
        let terminal = PseudoTerminal(master: master, replicaPath: name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        if let size { terminal.resize(size) }
        return terminal
    }

    /// Sets the window size (TIOCSWINSZ on the master); the kernel signals the agent's foreground group.
    public func resize(_ size: WindowSize) {
        size.apply(to: master.rawValue)
    }
}
