/// A version as written inside a range, where trailing components may be
/// missing or wildcards: `1`, `1.x`, `1.2.*`, `*`.
///
/// `nil` stands for "any". Once one component is any, the later ones are too,
/// because node-semver reads `1.x.3` as `1.x`; for the same reason a prerelease
/// written after a wildcard (`1.2.x-beta`) is dropped. Build metadata never
/// matters in a range and is not kept.
struct PartialVersion {
    var major: UInt64?
    var minor: UInt64?
    var patch: UInt64?
    var prerelease: [PrereleaseIdentifier]

    init(parsing text: Substring) throws(ParseFailure) {
        // npm allows `v1.2.3` inside ranges.
        let body = text.first == "v" ? text.dropFirst() : text
        let parts = try VersionSyntax.split(body)
        let core = parts.core.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count <= 3 else {
            throw ParseFailure("version \(quoted(body)) has more than three components")
        }
        if core.count < 3 && !(parts.prerelease.isEmpty && parts.build.isEmpty) {
            throw ParseFailure("version \(quoted(body)) has a prerelease or build but no patch version")
        }
        var numbers: [UInt64?] = []
        for (component, name) in zip(core, ["major version", "minor version", "patch version"]) {
            var number: UInt64?
            if component != "x" && component != "X" && component != "*" {
                number = try VersionSyntax.number(component, naming: name)
            }
            numbers.append(numbers.contains(nil) ? nil : number)
        }
        numbers += Array(repeating: nil, count: 3 - numbers.count)
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
        prerelease = patch == nil ? [] : parts.prerelease
    }
}
