/// The detach key of an attached terminal: Ctrl-\ then `d` leaves the remote session running and
/// returns to the shell. Ctrl-\ then Ctrl-\ sends one Ctrl-\ (so the agent can still get it), and
/// Ctrl-\ then any other byte sends both. The prefix may end one read and its key start the next.
public struct DetachKeyFilter: Sendable, Equatable {
    public static let prefix: UInt8 = 0x1C
    public static let detachKey = UInt8(ascii: "d")

    /// What to do with one read of keystrokes.
    public struct Output: Sendable, Equatable {
        /// The bytes to send to the session, in order.
        public var forward: [UInt8]
        /// The detach key was typed; bytes after it are dropped.
        public var detach: Bool

        public init(forward: [UInt8], detach: Bool) {
            self.forward = forward
            self.detach = detach
        }
    }

    /// The last byte seen was the prefix, and its meaning depends on the next one.
    public private(set) var awaitingKey = false

    public init() {}

    public mutating func filter(_ bytes: some Sequence<UInt8>) -> Output {
        var forward: [UInt8] = []
        for byte in bytes {
            if awaitingKey {
                awaitingKey = false
                switch byte {
                case Self.detachKey: return Output(forward: forward, detach: true)
                case Self.prefix: forward.append(Self.prefix)
                default: forward += [Self.prefix, byte]
                }
            } else if byte == Self.prefix {
                awaitingKey = true
            } else {
                forward.append(byte)
            }
        }
        return Output(forward: forward, detach: false)
    }
}
