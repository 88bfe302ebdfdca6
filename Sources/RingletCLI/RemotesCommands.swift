import Glibc
import RingletAPI
import RingletHTTP
import RingletRemote
import RingletSystem
import RingletTerminal

/// `ringlet remotes add|list|remove|sessions|attach` and `ringlet profiles run NAME --remote R`:
/// ringlet daemons on other machines, their sessions, and attaching this terminal to one of them.
enum RemotesCommands {
    /// How remotes are reached: no redirects (the token goes only to the URL that was added), and a
    /// daemon with a private CA's certificate is trusted through RINGLET_CA_FILE, as HTTPS registries are.
    static var remoteClient: HTTPClient {
        HTTPClient(timeout: .seconds(15), maxRedirects: 0, caFile: Environment.value("RINGLET_CA_FILE"))
    }

    static var command: Command {
        Command("remotes", summary: "ringlet daemons on other machines: add them, list their sessions, attach to one",
                discussion: """
                A remote is a name for a daemon's URL (`ringlet daemon` on another machine, or reached
                through an SSH tunnel). The names and URLs are kept in <config>/remotes.yaml; each
                remote's token is kept in the credential store (see `ringlet keychain list`, provider
                ringlet-remote), never in that file. `ringlet profiles run NAME --remote R` starts a
                profile on the remote and attaches to it.
                """,
                subcommands: [add, list, remove, sessions, attach])
    }

    static let add = Command(
        "add", summary: "add a remote daemon with its URL and token",
        discussion: """
        The URL is the daemon's http:// or https:// address with host and port, nothing more
        (e.g. http://127.0.0.1:8765). The token is the one the daemon prints; prefer --token-stdin,
        which keeps it out of your shell history. An existing remote is replaced only with --force.
        Nothing is contacted: `ringlet remotes sessions NAME` checks the connection.
        """,
        options: [
            .init("url", value: "URL", help: "the daemon's base URL (http://HOST:PORT or https://HOST:PORT)"),
            .init("token", value: "TOKEN", help: "the daemon's bearer token"),
            .init("token-stdin", help: "read the token from stdin"),
            .init("force", help: "replace a remote of the same name"),
        ],
        arguments: [.init("NAME", help: "the remote's name (lower-case letters, digits and -)")]
    ) { (invocation) throws(CLIError) in
        let name = invocation.arguments[0]
        guard let url = invocation.value("url") else { throw .usage("--url URL is required", usage: invocation.usage) }
        let token: String
        switch (invocation.value("token"), invocation.flag("token-stdin")) {
        case (let given?, false):
            token = given
        case (nil, true):
            token = String(decoding: Console.readStandardInput(limit: 8192), as: UTF8.self).trimmingWhitespace
        case (nil, false):
            throw .usage("give the token with --token TOKEN or --token-stdin", usage: invocation.usage)
        case (.some, true):
            throw .usage("give the token once: --token or --token-stdin, not both", usage: invocation.usage)
        }
        let store = try store(invocation.context)
        do throws(RemoteError) {
            let remote = try Remote(name: name, url: url)
            try store.add(remote, token: token, replacing: invocation.flag("force"))
            Console.out("added remote \(remote.name) (\(remote.urlText)); its token is in \(store.credentials.location)")
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        return .success
    }

    static let list = Command("list", summary: "the remotes added, with their URLs", options: [Command.jsonOption]) { (invocation) throws(CLIError) in
        struct Row: Encodable { var name: String, url: String }
        let store = try store(invocation.context)
        let rows: [Row]
        do throws(RemoteError) {
            rows = try store.list().map { Row(name: $0.name, url: $0.urlText) }
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        if invocation.json { try JSONOutput.print(rows); return .success }
        guard !rows.isEmpty else {
            Console.out("no remotes yet; add one with `ringlet remotes add NAME --url URL --token-stdin`")
            return .success
        }
        var table = TextTable(["NAME", "URL"])
        for row in rows { table.add([row.name, row.url]) }
        Console.out(table.text)
        return .success
    }

    static let remove = Command(
        "remove", summary: "forget a remote and delete its token", arguments: [.init("NAME", help: "the remote")]
    ) { (invocation) throws(CLIError) in
        let store = try store(invocation.context)
        do throws(RemoteError) {
            let remote = try store.remove(invocation.arguments[0])
            Console.out("removed remote \(remote.name) (\(remote.urlText)) and its token")
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        return .success
    }

    static let sessions = Command(
        "sessions", summary: "the sessions running on a remote", options: [Command.jsonOption],
        arguments: [.init("NAME", help: "the remote")]
    ) { (invocation) throws(CLIError) in
        let store = try store(invocation.context)
        let all: [SessionSummary]
        do throws(RemoteError) {
            all = try api(invocation.arguments[0], store).sessions()
        } catch {
            throw failure(error, usage: invocation.usage)
        }
        if invocation.json { try JSONOutput.print(all); return .success }
        guard !all.isEmpty else {
            Console.out("no sessions on \(invocation.arguments[0]); start one with `ringlet profiles run PROFILE --remote \(invocation.arguments[0])`")
            return .success
        }
        var table = TextTable(["SESSION_ID", "PROFILE", "AGENT", "UPTIME", "CLIENTS"])
        for session in all {
            let state = session.state == "running" ? "" : " (\(session.state))"
            table.add([session.id, session.profile, session.agent, SessionSummary.uptimeText(session.uptimeSeconds) + state,
                       String(session.attachedClients)])
        }
        Console.out(table.text)
        return .success
    }

    static let attach = Command(
        "attach", summary: "attach this terminal to a session on a remote",
        discussion: """
        Recent output is replayed, then the session is live: keys go to the agent, its output comes
        here, and the window size follows this terminal. Ctrl-\\ then d detaches and leaves the session
        running (Ctrl-\\ Ctrl-\\ sends one Ctrl-\\); so does the end of input when stdin is not a
        terminal. The exit status is the agent's when it ends, 0 after detaching.
        """,
        arguments: [.init("NAME", help: "the remote"), .init("SESSION_ID", help: "the session (see `ringlet remotes sessions NAME`)")]
    ) { (invocation) throws(CLIError) in
        let name = invocation.arguments[0], id = invocation.arguments[1]
        let store = try store(invocation.context)
        do throws(RemoteError) {
            let client = try api(name, store).attach(id)
            return try relay(client, remote: name, session: id)
        } catch {
            throw failure(error, usage: invocation.usage)
        }
    }

    static let remoteOption = Command.Option(
        "remote", value: "NAME", help: "run the profile on remote NAME's daemon (as configured there) and attach to it")

    /// `ringlet profiles run PROFILE --remote NAME`: the daemon starts the profile as it knows it, with
    /// this terminal's size, and this terminal attaches to the new session.
    static func runRemote(profile: String, remote name: String, _ invocation: Invocation) throws(CLIError) -> ExitCode {
        let localOnly = invocation.values.keys.filter { $0 != "remote" && $0 != "profile" }.sorted()
        if let option = localOnly.first {
            throw .usage("--\(option) applies to local runs only; with --remote the profile runs as the remote daemon has it", usage: invocation.usage)
        }
        guard invocation.arguments.isEmpty else {
            throw .usage("arguments for the agent apply to local runs only; with --remote the profile runs as the remote daemon has it",
                         usage: invocation.usage)
        }
        let store = try store(invocation.context)
        do throws(RemoteError) {
            let api = try api(name, store)
            let size = WindowSize.of(STDIN_FILENO) ?? WindowSize.of(STDOUT_FILENO) ?? WindowSize(rows: 24, columns: 80)
            let session = try api.createSession(profile: profile, size: size)
            Console.err("ringlet: session \(session.id) on \(name)")
            return try relay(try api.attach(session.id), remote: name, session: session.id)
        } catch {
            throw failure(error, usage: invocation.usage)
        }
    }

    private static func relay(_ client: WebSocketClient, remote: String, session: String) throws(RemoteError) -> ExitCode {
        let detached = "ringlet: detached from session \(session); reattach with ringlet remotes attach \(remote) \(session)"
        switch try RemoteTerminal().attach(client) {
        case let .exited(code):
            return ExitCode(rawValue: code ?? ExitCode.failure.rawValue)
        case .detached:
            Console.err(detached)
            return .success
        case let .signalled(signal):
            Console.err(detached)
            return ExitCode(rawValue: 128 + signal)
        case let .closed(code, reason):
            let why = [code.map { "code \($0)" }, reason.isEmpty ? nil : reason].compactMap { $0 }.joined(separator: ": ")
            Console.err("ringlet: remote \(remote) closed session \(session)\(why.isEmpty ? "" : " (\(why))")")
            return .failure
        }
    }

    private static func store(_ context: CLIContext) throws(CLIError) -> RemoteStore {
        RemoteStore(configDirectory: context.directories.config, credentials: try ProfileCredentials.store(context: context))
    }

    private static func api(_ name: String, _ store: RemoteStore) throws(RemoteError) -> RemoteAPI {
        let remote = try store.lookup(name)
        return try RemoteAPI(remote: remote, token: try store.token(for: remote), client: remoteClient)
    }

    /// Exit 2 for what the user typed wrong, 1 for the rest.
    private static func failure(_ error: RemoteError, usage: String) -> CLIError {
        switch error {
        case .invalidName, .invalidURL, .invalidToken, .invalidSessionID: .usage(error.description, usage: usage)
        default: .failed(error.description)
        }
    }
}
