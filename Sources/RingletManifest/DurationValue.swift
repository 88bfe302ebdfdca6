import RingletYAML

/// A duration written with a unit (`500ms`, `10s`, `5m`, `1h`); a bare number or unknown unit is an error,
/// never a silent zero.
public struct DurationValue: Sendable, Hashable, CustomStringConvertible {
    public var milliseconds: Int
    public var description: String

    public init?(parsing text: String) {
        let units: [(suffix: String, factor: Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number),
                  value <= Int.max / unit.factor else { return nil }
            milliseconds = value * unit.factor
            description = text
            return
        }
        return nil
    }

    static func decode(_ map: YAMLMapping, _ key: String) throws(YAMLError) -> DurationValue? {
        guard let text = try map.optionalString(key) else { return nil }
        // A zero limit or timeout is never what anyone means: it would stop the agent or hook at once.
        guard let value = DurationValue(parsing: text), value.milliseconds > 0 else {
            throw .invalidValue(map.location(of: key), "'\(key)' must be a duration above zero like 500ms, 10s or 5m, found '\(text)'")
        }
        return value
    }
}
