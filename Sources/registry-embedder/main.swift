// Build-time tool: writes a Swift file that holds every YAML file of a folder (the built-in registry,
// the profile templates), so the `ringlet` binary carries them and needs nothing installed beside it.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: registry-embedder FOLDER OUTPUT.swift TYPE_NAME\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
let output = URL(fileURLWithPath: arguments[2])
let typeName = arguments[3]

var paths: [String] = []
let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
while let url = enumerator?.nextObject() as? URL {
    guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
    let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
    if relative.hasSuffix(".yaml") { paths.append(relative) }
}
paths.sort()

/// A Swift string literal for arbitrary text: every byte that could confuse the lexer is escaped.
func literal(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7f: result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

var source = "// Generated from \(root.lastPathComponent)/ by registry-embedder at build time; not checked in.\n"
source += "enum \(typeName) {\n    static let files: [(path: String, text: String)] = [\n"
for path in paths {
    let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    source += "        (\(literal(path)), \(literal(text))),\n"
}
source += "    ]\n}\n"
let existing = try? String(contentsOf: output, encoding: .utf8)
if existing != source {
    try source.write(to: output, atomically: true, encoding: .utf8)
}
