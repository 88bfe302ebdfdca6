import Foundation
import Glibc
import RingletTestSupport
import Testing

/// The browser dashboard, served by the real daemon from what `scripts/build-web` writes (`.build/web`):
/// its response headers with curl, the page's source for anything the Content-Security-Policy would
/// block, and a real browser — Debian's headless chromium driven through chromedriver by
/// Fixtures/dashboard_browser.py — doing what a person does: the token dialog, a wrong token, the
/// dashboard, Run, typing, a reload with the replay, a phone-sized screen, a daemon restart (the page's
/// backoff and reattach), a token rotation and End.
/// Screenshots land in `.build/screenshots/` for a person to look at. Serialized: each test runs
/// sandboxed shells (and one a browser), and a two-core machine runs them one at a time.
@Suite(.serialized) struct DashboardTests {
    static let webRoot = Repository.root + "/.build/web"
    static let screenshots = Repository.root + "/.build/screenshots"
    static let browser = "/usr/bin/chromium"
    static let driver = "/usr/bin/chromedriver"
    static var hasBrowser: Bool {
        FileManager.default.isExecutableFile(atPath: browser) && FileManager.default.isExecutableFile(atPath: driver)
    }

    /// Builds the dashboard once per run, as `scripts/test` and `scripts/setup` do (fast when nothing changed).
    static let built: Result<String, BuildFailure> = {
        guard let result = try? ProcessRunner.run(Repository.root + "/scripts/build-web", [webRoot], in: Repository.root) else {
            return .failure(BuildFailure(message: "scripts/build-web could not start"))
        }
        return result.status == 0 ? .success(webRoot) : .failure(BuildFailure(message: "\(result)"))
    }()

    struct BuildFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "scripts/build-web failed: \(message)" }
    }

    func daemon() throws -> DaemonFixture {
        let root = try Self.built.get()
        return try DaemonFixture(["--web-root", root])
    }

    /// `curl -i` without a token: the status and the headers (names in lower case), and the body.
    func fetch(_ daemon: DaemonFixture, _ path: String, headers: [String] = []) throws -> (status: Int, headers: [String: String], body: String) {
        let result = try ProcessRunner.run("curl", ["-s", "-S", "-i", "--max-time", "60"] + headers.flatMap { ["-H", $0] } + [daemon.url + path])
        try #require(result.status == 0, "\(result)")
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first?.components(separatedBy: "\r\n") ?? []
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, fields, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    @Test func thePageAndItsAssetsAreServedWithoutATokenWithContentTypesAStrictPolicyAndRevalidation() throws {
        let daemon = try daemon()
        let expected = [
            "/": "text/html; charset=utf-8", "/assets/app.js": "text/javascript; charset=utf-8",
            "/assets/app.css": "text/css; charset=utf-8", "/assets/xterm.js": "text/javascript; charset=utf-8",
            "/assets/xterm.css": "text/css; charset=utf-8", "/assets/favicon.svg": "image/svg+xml",
        ]
        for (path, type) in expected.sorted(by: { $0.key < $1.key }) {
            let answer = try fetch(daemon, path)
            #expect(answer.status == 200, "\(path): \(answer.status)")
            #expect(answer.headers["content-type"] == type, "\(path): \(answer.headers)")
            #expect(answer.headers["content-security-policy"] == Self.policy, "\(path): \(answer.headers)")
            #expect(answer.headers["x-content-type-options"] == "nosniff", "\(path)")
            #expect(answer.headers["referrer-policy"] == "no-referrer", "\(path)")
            #expect(answer.headers["cache-control"] == "no-cache", "\(path)")
            let etag = try #require(answer.headers["etag"], "\(path) has an ETag")
            let again = try fetch(daemon, path, headers: ["If-None-Match: " + etag])
            #expect(again.status == 304 && again.body.isEmpty, "\(path) revalidates: \(again.status)")
        }
        let page = try fetch(daemon, "/").body
        #expect(page.contains(#"<script defer src="/assets/xterm.js">"#) && page.contains(#"<script defer src="/assets/app.js">"#))
        #expect(try fetch(daemon, "/assets/xterm.js").body.contains("applyAddon"), "the bundle is the real xterm.js, not Debian's stub")
        #expect(try fetch(daemon, "/assets/no-such.js").status == 404)
        #expect(try fetch(daemon, "/assets/.xterm-stamp").status == 404, "dot-files are never served")
        #expect(try daemon.request("GET", "/api/sessions", token: nil).status == 401, "the API still needs the token")
    }

    @Test func thePageHasNothingInlineThePolicyWouldBlock() throws {
        let html = try String(contentsOfFile: Repository.root + "/web/index.html", encoding: .utf8)
        for script in html.matches(of: /<script[^>]*>/) {
            #expect(script.output.contains("src=\"/assets/"), "every script is a file: \(script.output)")
        }
        #expect(!html.contains("<style"), "no <style> elements")
        #expect(html.firstMatch(of: /\sstyle\s*=/) == nil, "no style attributes")
        #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil, "no inline event handlers")
        #expect(!html.contains("javascript:"))
        let script = try String(contentsOfFile: Repository.root + "/web/app.js", encoding: .utf8)
        #expect(!script.contains("innerHTML") && !script.contains("eval(") && !script.contains("new Function"))
        #expect(!script.contains("localStorage"), "the token lives in sessionStorage only")
    }

    @Test func withoutABuiltDashboardTheRootSaysHowToBuildIt() throws {
        let empty = try TemporaryDirectory()
        let daemon = try DaemonFixture(["--web-root", empty.path])
        let answer = try fetch(daemon, "/")
        #expect(answer.status == 404 && answer.body.contains("scripts/build-web"), "\(answer.status) \(answer.body)")
    }

    @Test(.enabled(if: DashboardTests.hasBrowser, "needs Debian's chromium and chromium-driver (scripts/install-dependencies installs them)"))
    func aPersonInARealBrowserEntersTheTokenRunsTheShellTypesReloadsGoesPhoneSizedAndEndsIt() throws {
        let daemon = try daemon()
        try? FileManager.default.removeItem(atPath: Self.screenshots)
        let result = try ProcessRunner.run("/usr/bin/timeout", [
            "--kill-after=10", "400", "/usr/bin/python3", Repository.fixtures + "/dashboard_browser.py", daemon.url, daemon.token, Self.screenshots,
        ], in: daemon.workspace.home, environment: [
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": daemon.workspace.home,
            "RINGLET": daemon.workspace.ringlet.path, "RINGLET_HOME": daemon.workspace.home, "RINGLET_WEB_ROOT": try Self.built.get(),
        ])
        let report = try #require(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        #expect(result.status == 0, "failed at \(report["failed_step"] ?? "?"): \(report["error"] ?? "")\n\(result.stderr)")

        // The token dialog first; a wrong token is refused with a message and never stored.
        #expect(report["dashboard_hidden_before_token"] as? Bool == true)
        #expect(report["xterm_loaded"] as? Bool == true)
        #expect((report["wrong_token_error"] as? String)?.contains("Wrong token") == true, "\(report)")
        #expect(report["token_in_storage_after_wrong"] is NSNull)
        #expect(report["token_in_url"] as? Bool == false && report["token_in_storage"] as? Bool == true)

        // The dashboard: the profile with what it runs, and the daemon's health.
        let card = report["profile_card"] as? String ?? ""
        #expect(card.contains("sh") && card.contains("shell") && card.contains("sandbox on") && card.contains(daemon.workspaceFolder), "\(card)")
        #expect((report["health"] as? String)?.contains("daemon ok") == true)

        // Typed into the terminal, read back from the DOM; the reload replayed it without asking again.
        let session = try #require(report["session"] as? String)
        #expect((report["typed"] as? String)?.contains("hi-42") == true)
        #expect((report["replayed"] as? String)?.contains("hi-42") == true)
        #expect(report["dialog_after_reload"] as? Bool == false, "the token survives a reload in sessionStorage")
        #expect((report["session_card"] as? String)?.contains(session) == true)

        // At phone size nothing overflows and the session takes the phone's size.
        let desktop = report["desktop_size"] as? [Int] ?? [], phone = report["phone_size"] as? [Int] ?? []
        #expect(desktop.count == 2 && phone.count == 2 && desktop[0] > 100 && phone[0] < 60 && phone[0] > 20, "\(desktop) \(phone)")
        #expect(report["phone_overflows"] as? Bool == false && report["terminal_overflows"] as? Bool == false)
        #expect(report["keys_bar_visible"] as? Bool == true)
        #expect(report["pasted"] as? Bool == true, "Paste without clipboard access sent the text box's text")

        // The daemon restarted: the page backed off 1 s, 2 s, 4 s, then reattached with the replay and typed again.
        let waits = report["reconnect_waits"] as? [Int] ?? []
        #expect(Array(waits.prefix(3)) == [1, 2, 4], "the waits between attempts: \(waits)")

        // A rotated token closes the terminal with 1008; the dialog says so, and the new token reconnects.
        #expect((report["rotated_message"] as? String)?.contains("rotated") == true, "\(report["rotated_message"] ?? "")")
        #expect(report["reconnected_after_rotation"] as? Bool == true)

        // End: the agent's exit code on the page and in the API.
        #expect((report["ended_banner"] as? String)?.contains("exited with code") == true, "\(report)")
        #expect((report["exited_card"] as? String)?.contains("exited") == true)
        let ended = try daemon.session(session)
        #expect(ended["state"] as? String == "exited" && ended["exit_code"] as? Int != nil, "\(ended)")
        #expect(ended["cols"] as? Int == phone.first, "the last size the session took was the phone's: \(ended)")

        // Nothing the page did broke its policy; the only console errors are the wrong token's 401 and the
        // refused connections while the daemon was down.
        #expect((report["csp_violations"] as? [String])?.isEmpty == true, "\(report["csp_violations"] ?? "")")
        let errors = (report["console_errors"] as? [String] ?? []).filter {
            !($0.contains("/health") && $0.contains("401")) && !$0.contains("ERR_CONNECTION_REFUSED")
        }
        #expect(errors.isEmpty, "\(errors)")
        for name in ["token-dialog-desktop", "dashboard-desktop", "terminal-desktop", "dashboard-phone", "terminal-phone"] {
            #expect(FileManager.default.fileExists(atPath: Self.screenshots + "/\(name).png"), "screenshot \(name)")
        }
    }
}
