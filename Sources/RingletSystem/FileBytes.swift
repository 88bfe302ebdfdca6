import Glibc

/// Whole-file reads with a size bound, so a hostile or mistaken path (a huge file, /dev/zero) cannot
/// exhaust memory.
public enum FileBytes {
    public static func read(_ path: String, limit: Int = 16 << 20) throws(SystemError) -> [UInt8] {
        let fd = try FileDescriptor.open(path, flags: O_RDONLY, operation: "read")
        defer { fd.close() }
        var result: [UInt8] = []
        while true {
            let chunk = try fd.read(upTo: 64 << 10)
            if chunk.isEmpty { return result }
            result.append(contentsOf: chunk)
            if result.count > limit { throw .tooLarge(path: path, limit: limit) }
        }
    }

    public static func readString(_ path: String, limit: Int = 16 << 20) throws(SystemError) -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }
}
