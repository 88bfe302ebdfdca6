import Glibc
import RingletPolicy
import RingletProxy
import RingletSystem

/// `ringlet proxy`: the egress proxy on its own, with the same code path sandboxes use.
enum ProxyCommand {
    static let command = Command(
        "proxy", summary: "run the domain-filtering egress proxy standalone",
        discussion: """
        Speaks CONNECT and absolute-form HTTP. Only hosts matching an --allow entry are resolved and
        reached; loopback, private and link-local addresses only when an entry names the host exactly.
        Denials answer 403 with X-Ringlet-Deny and a one-line reason. Every decision is one JSON line on
        the log (stdout unless --log). Stops on Ctrl-C or SIGTERM.
        """,
        options: [
            .init("allow", value: "DOMAIN", repeats: true, help: "host, *.suffix, host:port or * (repeatable)"),
            .init("listen", value: "127.0.0.1:PORT", help: "listen on a loopback TCP port (default 127.0.0.1:3128)"),
            .init("socket", value: "PATH", help: "listen on a unix socket instead (0600, its folder 0700)"),
            .init("log", value: "FILE", help: "append decision lines to FILE (default: stdout)"),
            .init("hosts-file", value: "FILE", help: "answer these names first, hosts(5) format (like curl --resolve)"),
            .init("session", value: "NAME", help: "the session name in log lines (default: standalone)"),
        ]
    ) { (invocation) throws(CLIError) in
        var patterns: [DomainPattern] = []
        for entry in invocation.all("allow") {
            guard let pattern = DomainPattern(parsing: entry) else {
                throw .usage("--allow \(entry): not a host, '*.suffix', 'host:port' or '*'", usage: invocation.usage)
            }
            patterns.append(pattern)
        }
        if invocation.value("listen") != nil && invocation.value("socket") != nil {
            throw .usage("--listen and --socket exclude each other", usage: invocation.usage)
        }
        var resolver = SystemResolver()
        if let file = invocation.value("hosts-file") {
            let text: String
            do throws(SystemError) { text = try FileBytes.readString(file) } catch { throw .failed(error.description) }
            do throws(ProxyError) {
                resolver = try SystemResolver.withHostsFile(text, file: file)
            } catch {
                throw .invalidInput(error.description)
            }
        }
        let log: DecisionLog
        do throws(SystemError) {
            log = try DecisionLog(path: invocation.value("log") ?? "/dev/stdout")
        } catch {
            throw .failed(error.description)
        }
        // Signals are taken synchronously below; block them before any thread starts so none of those gets them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let session = ProxySession(id: invocation.value("session") ?? "standalone", allow: patterns)
        let server = ProxyServer(resolver: resolver, log: log)
        do throws(ProxyError) {
            if let path = invocation.value("socket") {
                try server.serve(session, unixSocket: path)
                Console.err("ringlet proxy: listening on \(path), allowing \(patterns.isEmpty ? "nothing" : patterns.map(\.description).joined(separator: " "))")
            } else {
                let text = invocation.value("listen") ?? "127.0.0.1:3128"
                guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0 ... 65535).contains(port) else {
                    throw .cannotListen(text, reason: "expected 127.0.0.1:PORT")
                }
                let host = String(text[..<colon])
                // Anything but loopback would be an open proxy for the network.
                guard case .v4(let address)? = IPAddress(parsing: host), address >> 24 == 127 else {
                    throw .cannotListen(text, reason: "the proxy listens on loopback only (127.0.0.0/8), never on a network address")
                }
                let bound = try server.serve(session, host: host, port: port)
                Console.err("ringlet proxy: listening on \(text[..<colon]):\(bound), allowing \(patterns.isEmpty ? "nothing" : patterns.map(\.description).joined(separator: " "))")
            }
        } catch {
            throw .failed(error.description)
        }
        var received: Int32 = 0
        sigwait(&signals, &received)
        server.stop()
        Console.err("ringlet proxy: stopped")
        return .success
    }
}
