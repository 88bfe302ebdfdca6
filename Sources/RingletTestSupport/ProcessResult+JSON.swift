import Foundation

/// Reading `ringlet … --json` output the way a script would: with `JSONSerialization`, not the
/// product's own types, so a renamed field or a changed shape fails the test.
extension ProcessResult {
    public struct NotJSON: Error, CustomStringConvertible {
        public var description: String
    }

    /// stdout parsed as a JSON array of objects.
    public func jsonArray() throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]] else {
            throw NotJSON(description: "stdout is not a JSON array of objects:\n\(self)")
        }
        return array
    }

    /// stdout parsed as a JSON object.
    public func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw NotJSON(description: "stdout is not a JSON object:\n\(self)")
        }
        return object
    }
}
