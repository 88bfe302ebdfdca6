/// The last `capacity` bytes an agent wrote, for a client that attaches (or reattaches) to see the screen
/// it missed without the host keeping the whole session in memory.
///
/// A ring over one fixed allocation, so appending is a copy of the new bytes and never a shift of the old
/// ones, however long the session runs. Once the ring has wrapped, its oldest byte is wherever the
/// overwriting stopped: possibly inside a UTF-8 sequence or an escape sequence, which a terminal would
/// render as garbage or, worse, as a half-applied mode change. `snapshot()` therefore starts at a safe
/// boundary instead: just after a newline if one comes soon, else at the start of the next escape
/// sequence, else at the first character that cannot be the tail of a cut sequence.
public struct ReplayBuffer: Sendable {
    public static let defaultCapacity = 1 << 20
    /// How far into a wrapped buffer a safe start is looked for before settling for a weaker one: a
    /// terminal line is rarely longer, and losing more of a megabyte's oldest bytes costs nothing.
    static let boundaryWindow = 4096

    public let capacity: Int
    private var storage: [UInt8] = []
    /// Where the oldest byte is, once the storage is full.
    private var head = 0
    /// Whether bytes were ever dropped, which is when the oldest byte may be cut mid-sequence.
    public private(set) var hasWrapped = false

    public init(capacity: Int = ReplayBuffer.defaultCapacity) {
        precondition(capacity > 0, "a replay buffer holds at least one byte")
        self.capacity = capacity
    }

    public var count: Int { storage.count }

    public mutating func append(_ bytes: [UInt8]) {
        append(bytes[...])
    }

    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        var incoming = bytes
        if incoming.count >= capacity {
            if incoming.count > capacity || !storage.isEmpty { hasWrapped = true }
            storage = Array(incoming.suffix(capacity))
            head = 0
            return
        }
        if storage.count < capacity {
            let room = capacity - storage.count
            storage.append(contentsOf: incoming.prefix(room))
            incoming = incoming.dropFirst(room)
        }
        guard !incoming.isEmpty else { return }
        hasWrapped = true
        // Overwrite the oldest bytes in at most two copies: up to the end of the storage, then from its start.
        let firstRun = min(incoming.count, capacity - head)
        storage.withUnsafeMutableBufferPointer { target in
            _ = target[head ..< head + firstRun].update(fromContentsOf: incoming.prefix(firstRun))
            _ = target[0 ..< incoming.count - firstRun].update(fromContentsOf: incoming.dropFirst(firstRun))
        }
        head = (head + incoming.count) % capacity
    }

    /// The bytes in order, oldest first, starting at a safe boundary when older output was dropped.
    public func snapshot() -> [UInt8] {
        let ordered = Array(storage[head...] + storage[..<head])
        guard hasWrapped else { return ordered }
        return Array(ordered[Self.safeStart(ordered)...])
    }

    /// Where a client may start reading `bytes`, which begin at an arbitrary cut of a terminal stream.
    static func safeStart(_ bytes: [UInt8]) -> Int {
        let window = min(bytes.count, boundaryWindow)
        var scanner = EscapeScanner()
        var firstEscape: Int?
        for index in 0 ..< window {
            let byte = bytes[index]
            // ESC \ ends a string (the cut may be inside one), so only another escape starts a sequence for sure.
            if byte == 0x1B, scanner.inGround, firstEscape == nil, index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\\") {
                firstEscape = index
            }
            if byte == 0x0A, scanner.inGround { return index + 1 }
            scanner.consume(byte)
        }
        if let firstEscape { return firstEscape }
        return afterCutSequence(bytes, window: window)
    }

    /// Neither a newline nor an escape came soon: the cut can only have landed inside a UTF-8 sequence (its
    /// continuation bytes are skipped), inside a string such as a window title (skipped to its closing BEL),
    /// or near the end of a control sequence (its `[`, parameter bytes and final byte are skipped; digits and
    /// `;` ending in a letter is how one ends, and rarely how text begins).
    private static func afterCutSequence(_ bytes: [UInt8], window: Int) -> Int {
        var index = 0
        while index < window, bytes[index] & 0xC0 == 0x80 { index += 1 }
        if let bell = bytes[index ..< window].firstIndex(of: 0x07) { return bell + 1 }
        var parameters = index
        if parameters < window, bytes[parameters] == UInt8(ascii: "[") { parameters += 1 }
        while parameters < window, parameters - index < 16, (0x30 ... 0x3F).contains(bytes[parameters]) { parameters += 1 }
        if parameters > index, parameters < window, (0x40 ... 0x7E).contains(bytes[parameters]) { return parameters + 1 }
        return index
    }
}

/// Just enough of a terminal's parser (ECMA-48) to tell whether a byte is outside every escape sequence.
private struct EscapeScanner {
    private enum State { case ground, escape, controlSequence, string, stringEscape }
    private var state = State.ground

    var inGround: Bool { state == .ground }

    mutating func consume(_ byte: UInt8) {
        switch state {
        case .ground:
            if byte == 0x1B { state = .escape }
        case .escape:
            switch byte {
            case UInt8(ascii: "["): state = .controlSequence
            // OSC, DCS, SOS, PM, APC: strings ended by BEL (OSC) or ST (ESC \).
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"): state = .string
            case 0x20 ... 0x2F: break // intermediate bytes of a longer escape sequence
            case 0x1B: break
            default: state = .ground
            }
        case .controlSequence:
            if (0x40 ... 0x7E).contains(byte) { state = .ground } else if byte == 0x1B { state = .escape }
        case .string:
            if byte == 0x07 { state = .ground } else if byte == 0x1B { state = .stringEscape }
        case .stringEscape:
            state = byte == UInt8(ascii: "\\") ? .ground : .string
        }
    }
}
