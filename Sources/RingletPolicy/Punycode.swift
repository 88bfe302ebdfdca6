/// RFC 3492 Punycode, encoding only: a Unicode label becomes its `xn--` ASCII form, which is the one
/// host names are compared in.
enum Punycode {
    private static let base: UInt32 = 36, tMin: UInt32 = 1, tMax: UInt32 = 26, skew: UInt32 = 38, damp: UInt32 = 700
    private static let initialBias: UInt32 = 72, initialN: UInt32 = 128

    /// The encoded label without the `xn--` prefix, or nil when it would overflow (absurdly long input).
    static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map(\.value)
        var output = String(String.UnicodeScalarView(label.unicodeScalars.filter(\.isASCII)))
        let basic = UInt32(output.unicodeScalars.count)
        var handled = basic
        if basic > 0 { output += "-" }
        var n = initialN, delta: UInt32 = 0, bias = initialBias
        while handled < UInt32(input.count) {
            guard let m = input.filter({ $0 >= n }).min() else { return nil }
            let (scaled, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= UInt32.max - scaled else { return nil }
            delta += scaled
            n = m
            for c in input {
                if c < n {
                    guard delta < UInt32.max else { return nil }
                    delta += 1
                }
                guard c == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.unicodeScalars.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.unicodeScalars.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basic)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return output
    }

    private static func digit(_ value: UInt32) -> Unicode.Scalar {
        Unicode.Scalar(value < 26 ? value + 97 : value + 22)!
    }

    private static func adapt(_ delta: UInt32, points: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
