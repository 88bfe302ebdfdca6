import Foundation
import RingletCrypto
import Testing

@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B and the NIST example values.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(message: String, expected: String) {
        #expect(SHA256.hash(message).hex == expected)
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test func oneMillionAStreamed() {
        var hasher = SHA256.Hasher()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(block) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func nonContiguousSequenceMatchesArray() {
        let lazyBytes = (0..<200_000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(SHA256.hash(lazyBytes) == SHA256.hash(Array(lazyBytes)))
    }

    @Test func splitUpdatesMatchOneShot() {
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        var hasher = SHA256.Hasher()
        hasher.update(message[..<10])
        hasher.update(message[10...])
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test func fileHashMatchesSHA256Sum() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ringlet-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Several chunks plus a partial one, so the streaming loop is exercised.
        let contents = Data((0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        let file = directory.appendingPathComponent("data.bin")
        try contents.write(to: file)

        let digest = try SHA256.hash(fileAt: file.path)
        #expect(digest.hex == (try sha256sum(file.path)))
        #expect(digest == SHA256.hash(contents))
    }

    @Test func missingFileErrorNamesPathAndReason() {
        let path = "/nonexistent/ringlet/file.yaml"
        #expect(throws: CryptoError.cannotOpen(path: path, errno: ENOENT)) {
            try SHA256.hash(fileAt: path)
        }
        let message = CryptoError.cannotOpen(path: path, errno: ENOENT).description
        #expect(message.contains(path))
        #expect(message.contains("No such file or directory"))
    }

    @Test func directoryIsAReadError() {
        #expect(throws: CryptoError.cannotRead(path: "/", errno: EISDIR)) {
            try SHA256.hash(fileAt: "/")
        }
    }

    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
