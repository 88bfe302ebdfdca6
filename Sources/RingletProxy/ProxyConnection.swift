import Glibc
import RingletPolicy
import RingletSystem

/// Serves one client connection from its first byte to its close: reads the request head under limits,
/// decides by the session's allowlist (on the CONNECT target or the absolute URL's host, never the
/// `Host` header), resolves only what was allowed, guards the address, then tunnels (CONNECT) or
/// forwards one request (plain HTTP) and logs the decision.
struct ProxyConnection {
    let client: FileDescriptor
    let session: ProxySession
    let resolver: any HostResolver
    let log: DecisionLog
    let limits: ProxyLimits

    /// Headers that belong to one hop and are never forwarded (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "proxy-authorization",
                                        "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"]

    func serve() {
        let clock = ContinuousClock()
        let started = clock.now
        var record = DecisionRecord(time: DecisionRecord.now(), session: session.id, method: "", host: "", port: 0, address: nil,
                                    verdict: .denied, rule: "", status: 0, bytesUp: 0, bytesDown: 0, durationMilliseconds: 0)
        defer {
            if !record.method.isEmpty || record.status != 0 {
                let elapsed = clock.now - started
                record.durationMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                log.record(record)
            }
        }
        guard let (head, leftover) = readHead(until: started + limits.headTimeout, record: &record) else { return }
        record.method = head.method

        guard let target = parseTarget(head, record: &record) else { return }
        record.host = target.host
        record.port = target.port
        let patterns = session.patterns
        let (decision, pattern) = ProxyDecision.byPolicy(host: target.host, port: target.port, patterns: patterns)
        guard let pattern else {
            deny(decision, record: &record)
            return
        }
        record.rule = decision.rule

        let addresses: [IPAddress]
        if let literal = IPAddress(parsing: target.host.hasPrefix("[") ? String(target.host.dropFirst().dropLast()) : target.host) {
            addresses = [literal]
        } else {
            do throws(ProxyError) {
                addresses = try resolver.resolve(target.host)
            } catch {
                fail(502, "ringlet proxy: \(error)", reason: "unresolvable", record: &record)
                return
            }
        }
        var upstream: FileDescriptor?
        var lastProblem = "no address"
        for address in addresses {
            if let refusal = ProxyDecision.guardAddress(address, host: target.host, port: target.port, pattern: pattern, patterns: patterns) {
                record.address = address.description
                deny(refusal, record: &record)
                return
            }
            switch StreamSocket.connect(to: address, port: target.port, timeout: limits.connectTimeout) {
            case .success(let socket):
                upstream = socket
                record.address = address.description
            case .failure(let error):
                lastProblem = error.description
                continue
            }
            break
        }
        guard let upstream else {
            fail(502, "ringlet proxy: \(lastProblem)", reason: "unreachable", record: &record)
            return
        }
        defer { upstream.close() }
        record.verdict = .allowed
        let deadline = started + limits.totalTimeout

        if head.method == "CONNECT" {
            guard StreamSocket.write(client, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)[...], timeout: limits.idleTimeout),
                  StreamSocket.write(upstream, leftover[...], timeout: limits.idleTimeout) else { return }
            record.status = 200
            let moved = Relay.run(client: client, upstream: upstream, idle: limits.idleTimeout, deadline: deadline)
            record.bytesUp = moved.up + leftover.count
            record.bytesDown = moved.down
            return
        }
        forward(head, target: target, leftover: leftover, upstream: upstream, deadline: deadline, record: &record)
    }

    /// Reads until the blank line that ends the head, within the deadline and the size limit.
    private func readHead(until deadline: ContinuousClock.Instant, record: inout DecisionRecord) -> (RequestHead, [UInt8])? {
        var buffer: [UInt8] = []
        let clock = ContinuousClock()
        while true {
            if let end = RequestHead.end(in: buffer) {
                do throws(RequestHead.Problem) {
                    return (try RequestHead(buffer[..<end]), Array(buffer[end...]))
                } catch {
                    switch error {
                    case .tooLarge: fail(431, "ringlet proxy: request head too large", reason: "head-too-large", record: &record)
                    case .malformed(let problem): fail(400, "ringlet proxy: malformed request: \(problem)", reason: "malformed", record: &record)
                    }
                }
                return nil
            }
            guard buffer.count <= RequestHead.maxHeadBytes else {
                fail(431, "ringlet proxy: request head larger than \(RequestHead.maxHeadBytes) bytes", reason: "head-too-large", record: &record)
                return nil
            }
            let left = clock.now.duration(to: deadline)
            guard left > .zero, let chunk = StreamSocket.read(client, upTo: 16 << 10, timeout: left) else {
                if !buffer.isEmpty { fail(408, "ringlet proxy: request head not received in time", reason: "head-timeout", record: &record) }
                return nil
            }
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
    }

    struct Target {
        var host: String
        var port: Int
        /// For plain HTTP: the origin-form path and query to send upstream.
        var path: String
        var authority: String
    }

    private func parseTarget(_ head: RequestHead, record: inout DecisionRecord) -> Target? {
        if head.method == "CONNECT" {
            guard let (host, port) = splitAuthority(head.target, defaultPort: nil) else {
                fail(400, "ringlet proxy: CONNECT needs host:port, got '\(head.target.prefix(100))'", reason: "malformed", record: &record)
                return nil
            }
            return Target(host: host, port: port, path: "", authority: head.target)
        }
        let lower = head.target.lowercased()
        guard lower.hasPrefix("http://") else {
            let hint = lower.hasPrefix("https://") ? "use CONNECT for https" : "send an absolute URL (http://host/path) or CONNECT"
            fail(400, "ringlet proxy: this is a proxy; \(hint)", reason: "malformed", record: &record)
            return nil
        }
        let rest = head.target.dropFirst(7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !authority.contains("@"), let (host, port) = splitAuthority(authority, defaultPort: 80) else {
            fail(400, "ringlet proxy: invalid URL host '\(authority.prefix(100))'", reason: "malformed", record: &record)
            return nil
        }
        return Target(host: host, port: port, path: path, authority: authority)
    }

    private func splitAuthority(_ text: String, defaultPort: Int?) -> (String, Int)? {
        var host = Substring(text)
        var port = defaultPort
        if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
            guard let number = Int(text[text.index(after: colon)...]), (1 ... 65535).contains(number),
                  text[text.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            port = number
            host = text[..<colon]
        }
        guard let port, let normalized = HostName.normalize(String(host)) else { return nil }
        return (normalized, port)
    }

    /// Sends one request upstream (origin-form, hop-by-hop headers removed, Host from the URL,
    /// `Connection: close`), its body by Content-Length, then relays the answer until upstream closes.
    private func forward(_ head: RequestHead, target: Target, leftover: [UInt8], upstream: FileDescriptor,
                         deadline: ContinuousClock.Instant, record: inout DecisionRecord) {
        if head.header("transfer-encoding") != nil {
            fail(411, "ringlet proxy: chunked request bodies are not forwarded; send Content-Length", reason: "length-required", record: &record)
            return
        }
        // RFC 9112 §6.3: a Content-Length that is not one decimal number, or that disagrees with a
        // second one, is a request smuggling attempt or a broken client; answer 400, forward nothing.
        let lengths = head.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        let length: Int
        if lengths.isEmpty {
            length = 0
        } else if Set(lengths).count == 1, let text = lengths.first, !text.isEmpty, text.utf8.count <= 18,
                  text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) {
            length = value
        } else {
            fail(400, "ringlet proxy: invalid or conflicting Content-Length", reason: "malformed", record: &record)
            return
        }
        let listed = Set((head.header("connection") ?? "").split(separator: ",").map { String($0).trimmingSpaces.lowercased() })
        var text = "\(head.method) \(target.path) HTTP/1.1\r\nHost: \(target.authority)\r\n"
        for header in head.headers {
            let name = header.name.lowercased()
            if ProxyConnection.hopByHop.contains(name) || listed.contains(name) || name == "host" || name == "content-length" { continue }
            text += "\(header.name): \(header.value)\r\n"
        }
        if !lengths.isEmpty { text += "Content-Length: \(length)\r\n" }
        text += "Connection: close\r\n\r\n"
        let body = leftover.prefix(length)
        guard StreamSocket.write(upstream, Array(text.utf8)[...], timeout: limits.idleTimeout),
              StreamSocket.write(upstream, body, timeout: limits.idleTimeout) else { return }
        var sent = body.count
        while sent < length {
            guard let chunk = StreamSocket.read(client, upTo: min(64 << 10, length - sent), timeout: limits.idleTimeout), !chunk.isEmpty,
                  StreamSocket.write(upstream, chunk[...], timeout: limits.idleTimeout) else { return }
            sent += chunk.count
        }
        record.status = 200
        let moved = Relay.run(client: client, upstream: upstream, clientToUpstream: false, idle: limits.idleTimeout, deadline: deadline)
        record.bytesUp = text.utf8.count + sent
        record.bytesDown = moved.down
    }

    private func deny(_ decision: ProxyDecision, record: inout DecisionRecord) {
        record.verdict = .denied
        record.rule = decision.rule
        respond(403, decision.message, reason: decision.rule, record: &record)
    }

    private func fail(_ status: Int, _ message: String, reason: String, record: inout DecisionRecord) {
        record.verdict = .denied
        record.rule = reason
        respond(status, message, reason: reason, record: &record)
    }

    private func respond(_ status: Int, _ message: String, reason: String, record: inout DecisionRecord) {
        record.status = status
        let phrases = [400: "Bad Request", 403: "Forbidden", 408: "Request Timeout", 411: "Length Required",
                       431: "Request Header Fields Too Large", 502: "Bad Gateway", 503: "Service Unavailable"]
        let body = message + "\n"
        let response = "HTTP/1.1 \(status) \(phrases[status] ?? "Error")\r\nX-Ringlet-Deny: \(reason)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        _ = StreamSocket.write(client, Array(response.utf8)[...], timeout: .seconds(5))
    }
}
