import RingletCrypto
import Testing

@Suite struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 1000])
    func producesRequestedLength(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func successiveValuesDiffer() {
        // 128-bit values: a collision here means the generator is broken, not bad luck.
        let values = Set((0..<100).map { _ in SecureRandom.bytes(16) })
        #expect(values.count == 100)
    }

    @Test func bytesAreNotConstant() {
        #expect(Set(SecureRandom.bytes(256)).count > 1)
    }

    @Test func hexTokenIsLowerCaseHex() {
        let token = SecureRandom.hexToken(bytes: 16)
        #expect(token.count == 32)
        #expect(token.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(token != SecureRandom.hexToken(bytes: 16))
    }
}
