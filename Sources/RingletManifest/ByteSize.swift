/// A size written with a unit (`512M`, `4G`, `64K`, or plain bytes); binary multiples, as `ulimit` and cgroups use.
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    public var bytes: Int
    public var description: String

    public init?(parsing text: String) {
        let units: [(suffix: String, shift: Int)] = [("K", 10), ("M", 20), ("G", 30), ("T", 40), ("", 0)]
        for unit in units where text.uppercased().hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number),
                  value <= Int.max >> unit.shift else { return nil }
            bytes = value << unit.shift
            description = text
            return
        }
        return nil
    }
}
