import CYAML
import RingletSystem

/// Turns YAML text into a `YAMLNode` tree using libyaml's event parser.
///
/// libyaml does the scanning (and rejects invalid UTF-8); this type builds the tree itself so it can
/// keep each node's line and column, expand aliases under a budget, apply `<<` merge keys, refuse
/// duplicate keys, and stop at the nesting depth and size limits before a hostile file costs much.
public enum YAMLParser {
    /// Parses a single-document stream. Returns nil for a stream with no document (an empty file).
    public static func parse(_ bytes: [UInt8], file: String, limits: YAMLLimits = .manifest) throws(YAMLError) -> YAMLNode? {
        guard bytes.count <= limits.maxBytes else {
            throw .limitExceeded(YAMLLocation(file: file, line: 1, column: 1),
                                 "document is \(bytes.count) bytes, over the \(limits.maxBytes)-byte limit")
        }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw .unreadable(file: file, reason: "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(parser) }

        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(file: file, limits: limits)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    throw syntaxError(parser.pointee, file: file, bytes: bytes)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.consume(event)
            }
            return builder.root
        }
    }

    /// Reads and parses a file. The size limit is checked before the whole file is read.
    public static func parse(fileAt path: String, label: String? = nil, limits: YAMLLimits = .manifest) throws(YAMLError) -> YAMLNode? {
        let label = label ?? path
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileBytes.read(path, limit: limits.maxBytes)
        } catch {
            throw .unreadable(file: label, reason: error.description)
        }
        return try parse(bytes, file: label, limits: limits)
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String, bytes: [UInt8]) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark = parser.problem_mark
        var location = YAMLLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        // The reader (encoding errors) reports a byte offset, not a mark.
        if parser.error == YAML_READER_ERROR {
            let offset = min(Int(parser.problem_offset), bytes.count)
            let before = bytes[..<offset]
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            location = YAMLLocation(file: file, line: before.count { $0 == UInt8(ascii: "\n") } + 1, column: offset - lineStart + 1)
        }
        if let context { return .syntax(location, "\(context): \(problem)") }
        return .syntax(location, problem)
    }
}

/// Assembles nodes from parser events on an explicit stack, so nesting depth is bounded by
/// `YAMLLimits.maxDepth` rather than by the thread's stack.
private struct TreeBuilder {
    private enum Frame {
        case sequence(items: [YAMLNode], location: YAMLLocation, anchor: String?, size: Int)
        case mapping(MappingFrame)
    }

    private struct MappingFrame {
        var pairs: [YAMLPair] = []
        var merged: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var firstLineOfKey: [String: Int] = [:]
        var location: YAMLLocation
        var anchor: String?
        var size = 1
    }

    let file: String
    let limits: YAMLLimits
    private(set) var root: YAMLNode?
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    private var documents = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func consume(_ event: yaml_event_t) throws(YAMLError) {
        let location = YAMLLocation(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw .syntax(location, "expected a single YAML document, found a second one")
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = string(data.value, count: data.length)
            let tag = try checkedTag(data.tag, at: location)
            let scalar = YAMLScalar(text: text, style: style(data.style), tag: tag)
            try count(1, at: location)
            try complete(YAMLNode(.scalar(scalar), at: location), size: 1, anchor: optionalString(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = optionalString(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw .syntax(location, "alias '*\(name)' refers to no anchor defined before it")
            }
            try count(anchored.size, at: location)
            var node = anchored.node
            node.location = location
            try complete(node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            _ = try checkedTag(event.data.sequence_start.tag, at: location)
            try push(.sequence(items: [], location: location, anchor: optionalString(event.data.sequence_start.anchor), size: 1), at: location)
        case YAML_MAPPING_START_EVENT:
            _ = try checkedTag(event.data.mapping_start.tag, at: location)
            try push(.mapping(MappingFrame(location: location, anchor: optionalString(event.data.mapping_start.anchor))), at: location)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            switch frame {
            case .sequence(let items, let start, let anchor, let size):
                try complete(YAMLNode(.sequence(items), at: start), size: size, anchor: anchor)
            case .mapping(let mapping):
                let explicitKeys = Set(mapping.pairs.compactMap(\.key.keyText))
                var pairs = mapping.pairs
                var seen = explicitKeys
                for pair in mapping.merged {
                    guard let key = pair.key.keyText, !seen.contains(key) else { continue }
                    seen.insert(key)
                    pairs.append(pair)
                }
                try complete(YAMLNode(.mapping(pairs), at: mapping.location), size: mapping.size, anchor: mapping.anchor)
            }
        default:
            break
        }
    }

    private mutating func push(_ frame: Frame, at location: YAMLLocation) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw .limitExceeded(location, "nesting deeper than \(limits.maxDepth) levels")
        }
        try count(1, at: location)
        stack.append(frame)
    }

    private mutating func count(_ nodes: Int, at location: YAMLLocation) throws(YAMLError) {
        nodeCount += nodes
        guard nodeCount <= limits.maxNodes else {
            throw .limitExceeded(location, "document expands to more than \(limits.maxNodes) nodes (aliases included)")
        }
    }

    private mutating func complete(_ node: YAMLNode, size: Int, anchor: String?) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(var items, let location, let anchor, let total):
            items.append(node)
            stack.append(.sequence(items: items, location: location, anchor: anchor, size: total + size))
        case .mapping(var mapping):
            mapping.size += size
            if let key = mapping.pendingKey {
                mapping.pendingKey = nil
                try attach(value: node, for: key, to: &mapping)
            } else {
                guard case .scalar = node.value else {
                    throw .syntax(node.location, "mapping keys must be plain strings, not \(node.shapeDescription)")
                }
                mapping.pendingKey = node
            }
            stack.append(.mapping(mapping))
        }
    }

    private func attach(value: YAMLNode, for key: YAMLNode, to mapping: inout MappingFrame) throws(YAMLError) {
        if case .scalar(let scalar) = key.value, scalar.text == "<<", scalar.style == .plain, scalar.tag == nil {
            mapping.merged.append(contentsOf: try mergeSources(value))
            return
        }
        let text = key.keyText ?? ""
        if let first = mapping.firstLineOfKey[text] {
            throw .duplicateKey(key.location, key: text, firstLine: first)
        }
        mapping.firstLineOfKey[text] = key.location.line
        mapping.pairs.append(YAMLPair(key: key, value: value))
    }

    /// `<<: *base` or `<<: [*a, *b]`; earlier sources win, and the mapping's own keys win over all.
    private func mergeSources(_ value: YAMLNode) throws(YAMLError) -> [YAMLPair] {
        switch value.value {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var result: [YAMLPair] = []
            for item in items {
                guard case .mapping(let pairs) = item.value else {
                    throw .syntax(item.location, "'<<' merges mappings only, found \(item.shapeDescription)")
                }
                result.append(contentsOf: pairs)
            }
            return result
        case .scalar:
            throw .syntax(value.location, "'<<' merges mappings only, found \(value.shapeDescription)")
        }
    }

    private func checkedTag(_ pointer: UnsafeMutablePointer<yaml_char_t>?, at location: YAMLLocation) throws(YAMLError) -> String? {
        guard let tag = optionalString(pointer) else { return nil }
        let known = ["str", "int", "bool", "null", "float", "map", "seq"].map { "tag:yaml.org,2002:" + $0 }
        guard tag == "!" || known.contains(tag) else {
            throw .syntax(location, "unsupported tag '\(tag)'")
        }
        return tag == "!" ? nil : tag
    }

    private func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

extension YAMLNode {
    /// The text of a scalar used as a mapping key.
    public var keyText: String? {
        if case .scalar(let scalar) = value { return scalar.text }
        return nil
    }
}
