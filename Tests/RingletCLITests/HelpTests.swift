import RingletTestSupport
import Testing

@Suite struct HelpTests {
    @Test(arguments: [["--help"], ["registry", "--help"], ["registry", "add", "--help"], ["agents", "inspect", "-h"]])
    func everyCommandHasHelp(arguments: [String]) throws {
        let home = try TemporaryDirectory()
        let result = try RingletBinary(home: home.path).run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("usage: ringlet"))
        #expect(result.stdout.contains("--help"))
    }

    @Test func unknownOptionsAreUsageErrorsWithAHint() throws {
        let home = try TemporaryDirectory()
        let result = try RingletBinary(home: home.path).run(["registry", "list", "--jsn"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown option '--jsn' for 'ringlet registry list' (did you mean '--json'?)"))
    }
}
