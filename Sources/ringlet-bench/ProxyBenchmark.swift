import Glibc
import RingletPolicy
import RingletProxy
import RingletSystem
import Synchronization

/// The egress proxy against a direct connection and against tinyproxy (Debian's package), in one run:
/// throughput of a 1 GiB CONNECT transfer, new CONNECT tunnels per second with 50 concurrent
/// clients, and the p99 latency a small request gains through each proxy.
enum ProxyBenchmark {
    static let transferBytes = 1 << 30
    static let clients = 50
    static let tunnelsPerClient = 40
    static let latencySamples = 400

    static func run() {
        let bulk = UpstreamServer(mode: .stream(transferBytes))
        let small = UpstreamServer(mode: .answer)
        let patterns = [bulk.port, small.port].map { DomainPattern(parsing: "127.0.0.1:\($0)")! }
        let log: DecisionLog
        do { log = try DecisionLog(path: "/dev/null") } catch { fail("cannot open /dev/null: \(error)") }
        let server = ProxyServer(log: log)
        let ringletPort: Int
        do { ringletPort = try server.serve(ProxySession(id: "bench", allow: patterns), port: 0) } catch { fail("\(error)") }
        let tinyproxy = Tinyproxy(connectPorts: [bulk.port, small.port])
        defer { tinyproxy?.stop() }

        print("proxy benchmark: 1 GiB CONNECT transfer, \(clients) clients x \(tunnelsPerClient) tunnels, \(latencySamples) small requests")
        let direct = throughput(proxy: nil, upstream: bulk.port)
        let ringlet = throughput(proxy: ringletPort, upstream: bulk.port)
        let tiny = tinyproxy.map { throughput(proxy: $0.port, upstream: bulk.port) }
        print("throughput  direct \(mbps(direct))   ringlet \(mbps(ringlet))   tinyproxy \(tiny.map(mbps) ?? "n/a")")
        print("            ringlet / direct = \(twoDecimals(ringlet / direct))x (target >= 0.90)"
            + (tiny.map { "   ringlet / tinyproxy = \(twoDecimals(ringlet / $0))x (target >= 1.00)" } ?? ""))

        let ringletRate = tunnelRate(proxy: ringletPort, upstream: small.port)
        let tinyRate = tinyproxy.map { tunnelRate(proxy: $0.port, upstream: small.port) }
        print("tunnels/s   ringlet \(Int(ringletRate))   tinyproxy \(tinyRate.map { String(Int($0)) } ?? "n/a")"
            + (tinyRate.map { "   ringlet / tinyproxy = \(twoDecimals(ringletRate / $0))x (target >= 1.00)" } ?? ""))

        let directP99 = p99(proxy: nil, upstream: small.port)
        let ringletP99 = p99(proxy: ringletPort, upstream: small.port)
        let tinyP99 = tinyproxy.map { p99(proxy: $0.port, upstream: small.port) }
        print("p99 latency direct \(milliseconds(directP99))   ringlet \(milliseconds(ringletP99)) (+\(milliseconds(ringletP99 - directP99)))"
            + (tinyP99.map { "   tinyproxy \(milliseconds($0)) (+\(milliseconds($0 - directP99)))" } ?? ""))
        if tinyproxy == nil { print("tinyproxy is not installed (apt-get install tinyproxy); no ratios against it") }
        server.stop()
    }

    /// Bytes per second of one tunnel reading the whole stream.
    static func throughput(proxy: Int?, upstream: Int) -> Double {
        var best = Duration.seconds(1_000_000)
        for _ in 0 ..< 3 {
            let elapsed = time {
                let socket = open(proxy: proxy, upstream: upstream)
                var total = 0
                while let chunk = try? socket.read(upTo: 256 << 10), !chunk.isEmpty { total += chunk.count }
                guard total == transferBytes else { fail("transfer ended after \(total) bytes") }
            }
            best = min(best, elapsed)
        }
        return Double(transferBytes) / seconds(best)
    }

    /// Completed tunnels per second with `clients` threads opening, using and closing tunnels.
    static func tunnelRate(proxy: Int, upstream: Int) -> Double {
        let done = Mutex(0)
        let elapsed = time {
            for _ in 0 ..< clients {
                DetachedThread.start {
                    for _ in 0 ..< tunnelsPerClient { exchange(proxy: proxy, upstream: upstream) }
                    done.withLock { $0 += 1 }
                }
            }
            while done.withLock({ $0 }) < clients { usleep(1000) }
        }
        return Double(clients * tunnelsPerClient) / seconds(elapsed)
    }

    static func p99(proxy: Int?, upstream: Int) -> Duration {
        let samples = (0 ..< latencySamples).map { _ in time { exchange(proxy: proxy, upstream: upstream) } }.sorted()
        return samples[samples.count * 99 / 100]
    }

    /// One small request through a fresh tunnel: send a line, read the answer to its end.
    static func exchange(proxy: Int?, upstream: Int) {
        let socket = open(proxy: proxy, upstream: upstream)
        guard (try? socket.writeAll(Array("ping\n".utf8))) != nil else { fail("write failed") }
        var answer: [UInt8] = []
        while let chunk = try? socket.read(upTo: 4096), !chunk.isEmpty { answer += chunk }
        guard answer == Array("pong\n".utf8) else { fail("unexpected answer \(answer.count) bytes") }
    }

    /// A connection to the upstream, through a proxy's CONNECT when one is given.
    static func open(proxy: Int?, upstream: Int) -> FileDescriptor {
        let socket = connectLoopback(proxy ?? upstream)
        guard let proxy else { return socket }
        let request = "CONNECT 127.0.0.1:\(upstream) HTTP/1.1\r\nHost: 127.0.0.1:\(upstream)\r\n\r\n"
        guard (try? socket.writeAll(Array(request.utf8))) != nil else { fail("proxy \(proxy) closed") }
        var head: [UInt8] = []
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard let byte = try? socket.read(upTo: 1), byte.count == 1 else { fail("proxy \(proxy) closed during CONNECT") }
            head += byte
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 200") || String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.0 200") else {
            fail("proxy \(proxy) refused: \(String(decoding: head, as: UTF8.self))")
        }
        return socket
    }

    static func mbps(_ bytesPerSecond: Double) -> String { twoDecimals(bytesPerSecond / 1e9) + " GB/s" }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
