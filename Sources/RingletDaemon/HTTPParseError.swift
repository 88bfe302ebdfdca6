/// Why a request was refused before the application saw it. Each carries the status to answer
/// with; after any of them the connection is closed, because the parser no longer knows where the
/// next request would start.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }
}
