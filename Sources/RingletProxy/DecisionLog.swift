import RingletSystem

/// Where decisions go: JSON lines appended to a file (`AppendOnlyFile`) and, when set, a sink such as
/// the audit log.
public final class DecisionLog: Sendable {
    private let file: AppendOnlyFile?
    private let sink: (@Sendable (DecisionRecord) -> Void)?

    public init(path: String?, sink: (@Sendable (DecisionRecord) -> Void)? = nil) throws(SystemError) {
        file = try path.map { (path) throws(SystemError) in try AppendOnlyFile(path: path) }
        self.sink = sink
    }

    func record(_ record: DecisionRecord) {
        file?.append(line: record.jsonLine)
        sink?(record)
    }
}
