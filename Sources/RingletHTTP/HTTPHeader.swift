/// One header field of a response, as received: the name keeps the server's spelling,
/// the value has surrounding whitespace removed. Names compare case-insensitively
/// only through `HTTPResponse.header(_:)`, so repeated fields and their order survive.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(value)" }
}
