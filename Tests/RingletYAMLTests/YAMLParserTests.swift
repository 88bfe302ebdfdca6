import RingletYAML
import Testing

private func parse(_ text: String, limits: YAMLLimits = .manifest) throws(YAMLError) -> YAMLNode {
    guard let node = try YAMLParser.parse(Array(text.utf8), file: "t.yaml", limits: limits) else {
        throw .syntax(YAMLLocation(file: "t.yaml", line: 1, column: 1), "empty")
    }
    return node
}

private func parseError(_ text: String, limits: YAMLLimits = .manifest) -> String? {
    do {
        _ = try parse(text, limits: limits)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct YAMLParserTests {
    @Test func keepsLineAndColumnOfEveryNode() throws {
        let root = try YAMLMapping(parse("a: 1\nb:\n  - x\n  - {c: d}\n"))
        #expect(root.location(of: "a") == YAMLLocation(file: "t.yaml", line: 1, column: 4))
        let items = try root.list("b")
        #expect(items.map(\.location.line) == [3, 4])
        #expect(items[1].location.column == 5)
        #expect(try items[1].mapping().string("c") == "d")
    }

    @Test(arguments: [
        ("v: no", "no"), ("v: on", "on"), ("v: 1.10", "1.10"), ("v: 0o17", "0o17"), ("v: yes", "yes"),
        ("v: 'true'", "true"), ("v: \"x\\ty\"", "x\ty"), ("v: |\n  line1\n  line2\n", "line1\nline2\n"),
        ("v: 2.1.0", "2.1.0"), ("v: 1e3", "1e3"), ("v: !!str 12", "12"),
    ])
    func stringFieldsKeepTheirText(source: String, expected: String) throws {
        #expect(try YAMLMapping(parse(source)).string("v") == expected)
    }

    @Test(arguments: [("v: true", true), ("v: False", false), ("v: TRUE", true)])
    func booleansAreCoreSchemaOnly(source: String, expected: Bool) throws {
        #expect(try YAMLMapping(parse(source)).optionalBool("v") == expected)
    }

    @Test(arguments: ["v: yes", "v: on", "v: 'true'", "v: [true]"])
    func yaml11BooleansAreRefused(source: String) throws {
        #expect(throws: YAMLError.self) { try YAMLMapping(parse(source)).optionalBool("v") }
    }

    @Test func integersAreDecimalAndPlain() throws {
        let map = try YAMLMapping(parse("a: 42\nb: -7\nc: '5'\nd: 1.5\ne: +3\n"))
        #expect(try map.int("a") == 42)
        #expect(try map.int("b") == -7)
        #expect(try map.int("e") == 3)
        #expect(throws: YAMLError.self) { try map.int("c") }
        #expect(throws: YAMLError.self) { try map.int("d") }
    }

    @Test func nullsAreAbsentValues() throws {
        let map = try YAMLMapping(parse("a: ~\nb:\nc: null\nd: 'null'\n"))
        #expect(try map.optionalString("a") == nil)
        #expect(try map.optionalString("b") == nil)
        #expect(try map.optionalString("c") == nil)
        #expect(try map.optionalString("d") == "null")
        #expect(throws: YAMLError.missingKey(YAMLLocation(file: "t.yaml", line: 2, column: 1), key: "b")) {
            try map.string("b")
        }
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let source = """
        base: &base
          cpu: 2
          memory: 4G
        list: &items [a, b]
        copy: *items
        job:
          <<: *base
          memory: 8G
        two:
          <<: [{x: 1}, {x: 2, y: 3}]
        """
        let root = try YAMLMapping(parse(source))
        #expect(try root.strings("copy") == ["a", "b"])
        let job = try root.optionalMapping("job")!
        #expect(try job.string("memory") == "8G")
        #expect(try job.int("cpu") == 2)
        #expect(job.keys == ["memory", "cpu"])
        let two = try root.optionalMapping("two")!
        #expect(try two.int("x") == 1)
        #expect(try two.int("y") == 3)
    }

    @Test func emptyStreamHasNoDocument() throws {
        #expect(try YAMLParser.parse([], file: "e.yaml") == nil)
        #expect(try YAMLParser.parse(Array("# only a comment\n".utf8), file: "e.yaml") == nil)
    }

    @Test(arguments: [
        ("a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a' (first defined on line 1)"),
        ("a: [1, 2\n", "t.yaml:2:1: while parsing a flow sequence: did not find expected ',' or ']'"),
        ("a: *nope\n", "t.yaml:1:4: alias '*nope' refers to no anchor defined before it"),
        ("a: b\n---\nc: d\n", "t.yaml:2:1: expected a single YAML document, found a second one"),
        ("a: !custom x\n", "t.yaml:1:4: unsupported tag '!custom'"),
        ("? [a, b]\n: c\n", "t.yaml:1:3: mapping keys must be plain strings, not a list"),
        ("a:\n  <<: 5\n", "t.yaml:2:7: '<<' merges mappings only, found '5'"),
        ("a: b\n c: d\n", "t.yaml:2:3: mapping values are not allowed in this context"),
        ("\tkey: v\n", "t.yaml:1:1: while scanning for the next token: found character that cannot start any token"),
    ])
    func syntaxErrorsNameTheirPlace(source: String, expected: String) {
        #expect(parseError(source) == expected)
    }

    @Test func invalidUTF8IsRefusedNotGuessed() {
        let bytes: [UInt8] = Array("a: ".utf8) + [0xff, 0xfe] + Array("\n".utf8)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(bytes, file: "t.yaml") }
    }

    @Test func billionLaughsIsBounded() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1 ... 9 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        let message = parseError(lines.joined(separator: "\n"))
        #expect(message?.contains("expands to more than 100000 nodes") == true)
    }

    @Test func nestingDepthIsBounded() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(parseError(deep) == "t.yaml:1:65: nesting deeper than 64 levels")
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(parseError(ok) == nil)
    }

    @Test func documentSizeIsBounded() {
        let limits = YAMLLimits(maxBytes: 64)
        let big = "a: " + String(repeating: "x", count: 100)
        #expect(parseError(big, limits: limits) == "t.yaml:1:1: document is 103 bytes, over the 64-byte limit")
    }

    @Test func unknownKeysSuggestTheClosestKnownKey() throws {
        let map = try YAMLMapping(parse("name: x\ncomand: y\n"))
        #expect(throws: YAMLError.unknownKey(YAMLLocation(file: "t.yaml", line: 2, column: 1), key: "comand", suggestion: "command")) {
            try map.requireKnownKeys(["name", "command", "args"])
        }
        let far = try YAMLMapping(parse("zzzzzz: 1\n"))
        #expect(throws: YAMLError.unknownKey(YAMLLocation(file: "t.yaml", line: 1, column: 1), key: "zzzzzz", suggestion: nil)) {
            try far.requireKnownKeys(["name", "command"])
        }
    }

    @Test func typeMismatchesSayWhatWasExpected() throws {
        let map = try YAMLMapping(parse("args: hello\nenv: [a]\n"))
        #expect(throws: YAMLError.typeMismatch(YAMLLocation(file: "t.yaml", line: 1, column: 7), key: "args", expected: "a list", found: "'hello'")) {
            try map.list("args")
        }
        #expect(throws: YAMLError.typeMismatch(YAMLLocation(file: "t.yaml", line: 2, column: 6), key: "env", expected: "a mapping", found: "a list")) {
            try map.optionalMapping("env")
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab:- \n\t[]{}&*!|>'\"#?,%@`~<".utf8)
        for _ in 0 ..< 300 {
            let length = Int.random(in: 0 ..< 200, using: &generator)
            let bytes = (0 ..< length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? YAMLParser.parse(bytes, file: "fuzz.yaml")
        }
    }
}
