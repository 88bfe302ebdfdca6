import RingletCrypto
import Testing

@Suite struct SHA256DigestTests {
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test func hexRoundTrip() throws {
        let digest = try #require(SHA256Digest(hex: abc))
        #expect(digest.hex == abc)
        #expect(digest.description == abc)
        #expect(digest == SHA256.hash("abc"))
        #expect(SHA256Digest(hex: abc.uppercased()) == digest)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(digest.bytes.count == 32)
        #expect(digest.bytes.first == 0xBA)
        #expect(digest.bytes.last == 0xAD)
    }

    @Test(arguments: ["", "ab", String(repeating: "0", count: 63), String(repeating: "0", count: 65),
                      String(repeating: "g", count: 64), " " + String(repeating: "0", count: 63)])
    func invalidHexIsRejected(text: String) {
        #expect(SHA256Digest(hex: text) == nil)
    }

    @Test func hashableDistinguishesDigests() {
        let digests: Set = [SHA256.hash("a"), SHA256.hash("b"), SHA256.hash("a")]
        #expect(digests.count == 2)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31)) == nil)
    }
}
