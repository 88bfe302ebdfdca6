import RingletCrypto
import RingletSystem

/// The dashboard's files (the page and the xterm.js bundle `scripts/build-web` writes), read once when
/// the daemon starts and served without a token — the page holds no secret, and it must load before
/// the user can give it the token. A flat folder: a name with a slash or a leading dot is never looked
/// up, so no request can reach a file outside it. Every answer carries a strict Content-Security-Policy
/// (scripts and styles from the daemon only, no inline code, connections back to the daemon only) and
/// an ETag, so a browser revalidates instead of running a stale page after an upgrade.
public struct DashboardAssets: Sendable {
    public struct Asset: Sendable {
        public var body: [UInt8]
        public var contentType: String
        public var etag: String
    }

    public static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    public let root: String
    public let files: [String: Asset]

    /// The files of `root`, or nil when it holds no index.html.
    public static func load(root: String) -> DashboardAssets? {
        var files: [String: Asset] = [:]
        for name in (try? Directory.contents(root)) ?? [] where isServable(name) {
            guard case .file = FileStatus.of(root + "/" + name), let body = try? FileBytes.read(root + "/" + name, limit: 16 << 20) else { continue }
            files[name] = Asset(body: body, contentType: contentType(of: name), etag: "\"" + String(SHA256.hash(body).description.prefix(32)) + "\"")
        }
        guard files["index.html"] != nil else { return nil }
        return DashboardAssets(root: root, files: files)
    }

    static func isServable(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.count <= 128
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json", "map": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// The answer to `GET path` when it is a dashboard path (`/`, `/assets/NAME`); nil for any other path.
    public func response(path: String, ifNoneMatch: String?) -> HTTPServerResponse? {
        let name: String
        if path == "/" {
            name = "index.html"
        } else if path.hasPrefix("/assets/") {
            name = String(path.dropFirst("/assets/".count))
        } else {
            return nil
        }
        guard Self.isServable(name), let asset = files[name] else {
            return Self.secured(.error(404, "no dashboard file \(path)"))
        }
        var headers = HTTPHeaders()
        headers.append(name: "ETag", value: asset.etag)
        headers.append(name: "Cache-Control", value: "no-cache")
        if ifNoneMatch?.split(separator: ",").contains(where: { String($0).trimmingWhitespace == asset.etag || String($0).trimmingWhitespace == "*" }) == true {
            return Self.secured(HTTPServerResponse(status: 304, headers: headers))
        }
        headers.append(name: "Content-Type", value: asset.contentType)
        return Self.secured(HTTPServerResponse(status: 200, headers: headers, body: asset.body))
    }

    /// The answer for `/` when the dashboard was not built.
    public static func missing(searched: [String]) -> HTTPServerResponse {
        secured(.error(404, "the dashboard is not built here (looked in \(searched.joined(separator: ", "))); run scripts/build-web, or start the daemon with --web-root DIR"))
    }

    static func secured(_ response: HTTPServerResponse) -> HTTPServerResponse {
        var response = response
        response.headers.append(name: "Content-Security-Policy", value: contentSecurityPolicy)
        response.headers.append(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.append(name: "Referrer-Policy", value: "no-referrer")
        response.headers.append(name: "X-Frame-Options", value: "DENY")
        return response
    }
}
