import Foundation
import Testing

@Test func probe() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: ManifestFixtures.folder.appendingPathComponent("bad").path).sorted()
    for name in names { print("PROBE", try ManifestFixtures.error("bad/" + name) ?? "nil") }
}
