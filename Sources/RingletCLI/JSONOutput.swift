#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `--json` output: pretty, with sorted keys, so it is stable for scripts and diffs.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws(CLIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            Console.out(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            throw .failed("cannot encode the output as JSON: \(error)")
        }
    }
}
