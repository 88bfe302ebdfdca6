import Foundation
import RingletTestSupport
import Testing

/// Completions and the manual come from the command tree: each shell is asked, as it would be at a
/// prompt, what follows a few partial command lines.
@Suite struct ShellCommandsTests {
    let workspace: RingletWorkspace
    init() throws { workspace = try RingletWorkspace() }

    func script(_ shell: String) throws -> String {
        let result = try succeed(try workspace.run("completions", shell))
        return try workspace.write("completion.\(shell)", result.stdout)
    }

    @Test func bashCompletesCommandsSubcommandsAndOptionsAndSkipsOptionValues() throws {
        let path = try script("bash")
        let probe = """
            source \(path)
            t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _ringlet; echo "${COMPREPLY[*]}"; }
            t ringlet reg; t ringlet registry ""; t ringlet registry add --pri; t ringlet --offline agents l; t ringlet daemon --listen 127.0.0.1:1 st
            """
        let result = try ProcessRunner.run("/bin/bash", ["-c", probe])
        #expect(result.stdout == "registry\nadd list remove update show index lint lock verify\n--priority\nlist\nstatus stop\n", "\(result)")
        #expect(!result.stdout.contains("session-host"))
    }

    @Test func zshUsesTheSameCompletion() throws {
        let path = try script("zsh")
        let probe = "source \(path); setopt ksharrays; COMP_WORDS=(ringlet remotes ''); COMP_CWORD=2; _ringlet; print -- \"${COMPREPLY[@]}\""
        let result = try ProcessRunner.run("/usr/bin/zsh", ["-c", probe])
        #expect(result.stdout == "add list remove sessions attach\n", "\(result)")
    }

    @Test func fishCompletesWithDescriptions() throws {
        let path = try script("fish")
        let result = try ProcessRunner.run("/usr/bin/fish", ["-c", "source \(path); complete -C 'ringlet registry a'; complete -C 'ringlet daemon --li'"])
        #expect(result.stdout.contains("add\tadd a registry from a folder"), "\(result)")
        #expect(result.stdout.contains("--listen\twhere to listen"), "\(result)")
    }

    @Test func anUnknownShellIsAUsageError() throws {
        expect(try workspace.run("completions", "tcsh"), exit: Exit.usage, stderr: ["bash, zsh, fish"])
    }

    @Test func theManualPageCoversEveryCommandAndRenders() throws {
        let page = try succeed(try workspace.run("help", "--man")).stdout
        #expect(page.hasPrefix(".TH RINGLET 1"))
        for command in ["registry add", "daemon rotate\\-token", "remotes attach", "profiles run", "completions"] {
            #expect(page.contains(".SS ringlet \(command)"), "\(command)")
        }
        let file = try workspace.write("ringlet.1", page)
        let rendered = try ProcessRunner.run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", file])
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        // groff justifies lines by widening spaces, so words are compared with the spacing collapsed.
        let words = rendered.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("0 success; 1 the operation failed"), "\(rendered.stdout.suffix(600))")
        expect(try workspace.run("help", "registry", "add"), exit: Exit.ok, stdout: ["usage: ringlet registry add NAME SOURCE"])
        expect(try workspace.run("help", "registry", "nope"), exit: Exit.usage, stderr: ["unknown command 'ringlet registry nope'"])
    }
}
