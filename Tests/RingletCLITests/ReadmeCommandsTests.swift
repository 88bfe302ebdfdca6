import Foundation
import RingletTestSupport
import Testing

/// The README is the manual, so every `ringlet …` line in its shell examples must still be a command
/// ringlet accepts: each is given to the built binary with `--help`, which parses the command path and
/// every option (an unknown command, a renamed option or a flag that lost its value fails with exit 2)
/// without running anything. Fixtures/readme_commands.py extracts the lines.
@Suite struct ReadmeCommandsTests {
    @Test func everyCommandInTheReadmeStillParses() throws {
        let extracted = try ProcessRunner.run("/usr/bin/python3", [Repository.fixtures + "/readme_commands.py", Repository.root + "/README.md"])
        let commands = try #require(try JSONSerialization.jsonObject(with: Data(extracted.stdout.utf8)) as? [[String]], "\(extracted)")
        #expect(commands.count >= 50, "the README's examples were found: \(commands.count)")
        let workspace = try RingletWorkspace()
        for command in commands {
            var arguments = command
            arguments.insert("--help", at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
            let result = try workspace.run(arguments)
            #expect(result.status == 0, "README: ringlet \(command.joined(separator: " ")) → \(result.stderr)")
        }
    }

    @Test func aDriftedCommandIsCaught() throws {
        let workspace = try RingletWorkspace()
        #expect(try workspace.run("daemon", "--listen-on", "x", "--help").status == 2)
        #expect(try workspace.run("remotes", "atach", "--help").status == 2)
    }
}
