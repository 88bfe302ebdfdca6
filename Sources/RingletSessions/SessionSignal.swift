import Glibc

/// The signals a client may send to an agent, by the names `kill -l` uses: a fixed list, so a client can
/// interrupt, stop or nudge the agent but never send the host a stop (STOP, TSTP) it could not undo.
public enum SessionSignal: String, Sendable, CaseIterable, Codable {
    case INT, TERM, HUP, QUIT, KILL, USR1, USR2, WINCH

    public var number: Int32 {
        switch self {
        case .INT: SIGINT
        case .TERM: SIGTERM
        case .HUP: SIGHUP
        case .QUIT: SIGQUIT
        case .KILL: SIGKILL
        case .USR1: SIGUSR1
        case .USR2: SIGUSR2
        case .WINCH: SIGWINCH
        }
    }
}
