import Foundation
import RingletDaemon
import RingletTestSupport
import Testing

@Suite struct DaemonTokenTests {
    let folder: TemporaryDirectory
    var config: String { folder.path + "/config" }

    init() throws {
        folder = try TemporaryDirectory("ringlet-token")
    }

    @Test func theFirstStartMakesATokenThatLaterStartsKeep() throws {
        let first = try DaemonToken.loadOrCreate(configDirectory: config)
        #expect(first.value.count == 64 && first.value.allSatisfy(\.isHexDigit))
        let mode = try FileManager.default.attributesOfItem(atPath: config + "/http_token")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try DaemonToken.loadOrCreate(configDirectory: config) == first)
    }

    @Test func rotationReplacesIt() throws {
        let first = try DaemonToken.loadOrCreate(configDirectory: config)
        let second = try DaemonToken.rotate(configDirectory: config)
        #expect(second != first)
        #expect(try DaemonToken.loadOrCreate(configDirectory: config) == second)
        #expect(!second.matches(first.value))
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        _ = try DaemonToken.loadOrCreate(configDirectory: config)
        chmod(config + "/http_token", 0o644)
        #expect(throws: DaemonError.self) { try DaemonToken.loadOrCreate(configDirectory: config) }
    }

    @Test func matchingIsExact() {
        let token = DaemonToken(String(repeating: "a", count: 64))
        #expect(token.matches(String(repeating: "a", count: 64)))
        #expect(!token.matches(String(repeating: "a", count: 63)))
        #expect(!token.matches(String(repeating: "a", count: 63) + "b"))
        #expect(!token.matches(""))
        #expect(!token.matches(String(repeating: "a", count: 65)))
    }
}
