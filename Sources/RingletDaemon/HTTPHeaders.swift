/// A request's or response's header fields in arrival order. A list rather than a dictionary
/// because a name may repeat (and whether it did matters: two `Content-Length`s or two `Host`s
/// are how request smuggling starts), while lookups ignore case as RFC 9110 says names do.
public struct HTTPHeaders: Sendable, Sequence {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// The first value of `name`, or nil.
    public subscript(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The comma-separated list items of every `name` field (like `Connection: keep-alive, Upgrade`).
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }.map { String($0).trimmingHTTPWhitespace }.filter { !$0.isEmpty }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func append(name: String, value: String) {
        fields.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    /// Without the spaces and tabs HTTP allows around values (RFC 9110 section 5.5).
    var trimmingHTTPWhitespace: String {
        let isPadding: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isPadding($0) }), let last = bytes.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
