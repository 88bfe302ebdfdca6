import Foundation
import RingletDaemon
import RingletTestSupport
import Testing

@Suite struct DashboardAssetsTests {
    func assets() throws -> (TemporaryDirectory, DashboardAssets) {
        let folder = try TemporaryDirectory()
        _ = try folder.write("index.html", "<!doctype html><title>ringlet</title>")
        _ = try folder.write("app.js", "console.log(1)")
        _ = try folder.write(".secret", "no")
        return (folder, try #require(DashboardAssets.load(root: folder.path)))
    }

    @Test func thePageAndItsAssetsComeWithTypesThePolicyAndAnETag() throws {
        let (_, assets) = try assets()
        let page = try #require(assets.response(path: "/", ifNoneMatch: nil))
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.headers["content-security-policy"]?.contains("unsafe-inline") == false)
        #expect(page.headers["x-content-type-options"] == "nosniff" && page.headers["cache-control"] == "no-cache")
        let script = try #require(assets.response(path: "/assets/app.js", ifNoneMatch: nil))
        #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(String(decoding: script.body, as: UTF8.self) == "console.log(1)")
        let etag = try #require(script.headers["etag"])
        let again = try #require(assets.response(path: "/assets/app.js", ifNoneMatch: etag))
        #expect(again.status == 304 && again.body.isEmpty)
    }

    @Test func nothingOutsideTheFolderOrHiddenIsServed() throws {
        let (_, assets) = try assets()
        for path in ["/assets/.secret", "/assets/../index.html", "/assets/a/b", "/assets/", "/assets/missing.js"] {
            #expect(assets.response(path: path, ifNoneMatch: nil)?.status == 404, "\(path)")
        }
        #expect(assets.response(path: "/api/sessions", ifNoneMatch: nil) == nil, "other paths are the API's")
    }

    @Test func aFolderWithoutAPageIsNoDashboard() throws {
        let folder = try TemporaryDirectory()
        _ = try folder.write("app.js", "x")
        #expect(DashboardAssets.load(root: folder.path) == nil)
        #expect(DashboardAssets.missing(searched: [folder.path]).status == 404)
    }
}
