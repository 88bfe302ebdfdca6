/// A complete response as the server sent it, whatever its status: deciding what a 404
/// or 500 means is the caller's business. `url` is where the response came from, after
/// any redirects, so relative references in the body resolve against the right base.
public struct HTTPResponse: Sendable {
    public var url: HTTPURL
    public var status: Int
    /// The reason phrase, which servers may leave empty; for messages only.
    public var reason: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(url: HTTPURL, status: Int, reason: String = "", headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.url = url
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// A 2xx status.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The value of the first field called `name`, compared case-insensitively. Use
    /// `headers` to see repeated fields.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
