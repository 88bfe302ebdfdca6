import RingletYAML
import Testing

/// What Ringlet writes (registries.yaml, index.yaml, ringlet.lock) reads back as exactly the string it wrote.
@Suite struct YAMLWriterQuoteTests {
    private func readBack(_ value: String) throws -> String {
        let document = "key: " + YAMLWriter.quote(value) + "\n"
        let root = try #require(try YAMLParser.parse(Array(document.utf8), file: "w.yaml"))
        return try YAMLMapping(root).string("key")
    }

    static let tricky: [String] = [
        "no", "No", "NO", "on", "off", "yes", "y", "n", "true", "False", "null", "Null", "~", "",
        "1.10", "1.2.3", "0.86.0", "012", "1_000", "+1", ".5", ".inf", "-.inf", ".NaN",
        "-x", "- x", "a: b", "a:b", "#c", "a #c", "\"q\"", "'s'", "tab\there", "line\nbreak", "cr\rlf",
        "@x", "`x", "*", "*a", "&a", "!t", "!!str", "%", "%YAML", "|", ">", "?", "[a]", "{a: 1}", ",", "a,b",
        " lead", "trail ", "  ", "back\\slash", "ünïcødé", "日本語", "emoji 🚀", "bell\u{07}", "del\u{7f}", "nul\u{0}x",
        "^1.2", "~1.4", "acme/claude@~1.4", "sha256:abc", "https://example.com/a?b=c#d", "C:\\path",
        "---", "...", "=", "<<",
    ]

    @Test(arguments: tricky)
    func quotedStringReadsBackUnchanged(value: String) throws {
        #expect(try readBack(value) == value)
    }

    /// Unicode line and paragraph separators are kept inside a double-quoted scalar.
    @Test(arguments: ["ls\u{2028}x", "ps\u{2029}x", "bom\u{feff}x"])
    func unicodeSeparatorsReadBackUnchanged(value: String) throws {
        #expect(try readBack(value) == value)
    }

    /// NEL (U+0085) is a line break to libyaml, so left unescaped inside double quotes it is folded to a space.
    @Test func nextLineReadsBackUnchanged() throws {
        let value = "nel\u{85}x"
        let back = try readBack(value)
        #expect(back == value)
    }

    /// Plain style only for text no YAML reader could take for anything but that string.
    @Test(arguments: ["claude", "safe-shell", "acme_x", "agents/claude/2.1.0.yaml", "a.b", "x-", "v2"])
    func ordinaryTextStaysPlain(value: String) {
        #expect(YAMLWriter.quote(value) == value)
    }

    @Test(arguments: ["no", "ON", "~", "", "1.10", "2.1.0", "-x", "@x", "^1", "a b", ".", "1.", "y", "N"])
    func ambiguousTextIsDoubleQuoted(value: String) {
        let quoted = YAMLWriter.quote(value)
        #expect(quoted.hasPrefix("\"") && quoted.hasSuffix("\"") && quoted.count >= 2)
    }

    @Test func escapesAreTheShortForms() {
        #expect(YAMLWriter.quote("a\"b\\c") == #""a\"b\\c""#)
        #expect(YAMLWriter.quote("t\tn\nr\r") == #""t\tn\nr\r""#)
        #expect(YAMLWriter.quote("\u{01}\u{1f}\u{7f}") == #""\x01\x1f\x7f""#)
    }

    /// The doc comment promises plain text "reads back as the same string under any YAML version": these
    /// are numbers to a YAML 1.1 reader (hex, binary, sexagesimal-free exponent forms) or to a YAML 1.2
    /// core-schema reader (`0x1F`, `0o17`, `1e3`), so they must be quoted too.
    @Test(arguments: ["0x1F", "0o17", "0b1010", "1e3", "12e45"])
    func numbersInOtherYAMLVersionsAreQuoted(value: String) {
        #expect(YAMLWriter.quote(value).hasPrefix("\""))
    }

    @Test func writerDocumentsParseBack() throws {
        var writer = YAMLWriter(header: ["generated: do not edit", "# twice"])
        writer.scalar("name", "no")
        writer.scalar("count", 3)
        writer.key("items")
        writer.item("id", "on")
        writer.scalar("version", "1.10.0", indent: 2)
        writer.item("id", "x: y")
        writer.emptyList("empty")
        writer.blankLine()
        let root = try #require(try YAMLParser.parse(Array(writer.text.utf8), file: "w.yaml"))
        let map = try YAMLMapping(root)
        #expect(map.keys == ["name", "count", "items", "empty"])
        #expect(try map.string("name") == "no")
        #expect(try map.int("count") == 3)
        let items = try map.list("items").map { try $0.mapping() }
        #expect(try items.map { try $0.string("id") } == ["on", "x: y"])
        #expect(try items[0].string("version") == "1.10.0")
        #expect(try map.list("empty").isEmpty)
        #expect(writer.text.hasPrefix("# generated: do not edit\n# # twice\n"))
    }
}
