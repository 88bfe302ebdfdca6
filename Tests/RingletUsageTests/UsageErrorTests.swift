import RingletUsage
import Testing

@Test func aStoreErrorNamesTheFile() {
    #expect(UsageError.store(path: "/x/usage.db", reason: "disk full").description == "cannot use the usage index /x/usage.db: disk full")
}
